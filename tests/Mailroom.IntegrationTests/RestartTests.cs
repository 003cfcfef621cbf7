using System.Net;
using System.Text.RegularExpressions;
using Mailroom.Server.Admin;

namespace Mailroom.IntegrationTests;

/// <summary>What the server answered survives a restart, and a crash (SIGKILL) of the real executable.</summary>
public sealed class RestartTests : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "mailroom-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task TokensKeysAndVersionsSurviveARestart()
    {
        string domain, clientId, secret, token;
        long version;
        using (var first = new MailroomApp(_dataDir))
        {
            var enterprise = await first.CreateEnterpriseAsync();
            (domain, clientId, secret, token) = (enterprise.Domain, enterprise.ClientId, enterprise.Secret, enterprise.Token);
            version = await VersionAsync(first, enterprise.Id);
            Assert.True(await Calls.TokenWorksAsync(first.Client, token, domain));
        }

        using var second = new MailroomApp(_dataDir);
        Assert.True(await Calls.TokenWorksAsync(second.Client, token, domain), "a token issued before the restart");
        Assert.Equal(HttpStatusCode.OK, (await Calls.TokenAsync(second.Client, clientId, secret)).Status);
        var id = (await second.Get<EnterpriseService>().OverviewAsync(TestContext.Current.CancellationToken)).Single(e => e.Enterprise.ClientId == clientId).Enterprise.Id;
        Assert.Equal(version, await VersionAsync(second, id));
    }

    [Fact]
    public async Task RevocationSurvivesARestart()
    {
        string domain, token;
        using (var first = new MailroomApp(_dataDir))
        {
            var enterprise = await first.CreateEnterpriseAsync();
            (domain, token) = (enterprise.Domain, enterprise.Token);
            Assert.False((await first.Get<EnterpriseService>().RotateKeyAsync(enterprise.ClientId, TestContext.Current.CancellationToken)).IsError);
        }

        using var second = new MailroomApp(_dataDir);
        Assert.Equal("1200", (await Calls.UserGetAsync(second.Client, token, $"nobody@{domain}")).ErrCode);
    }

    [Fact]
    public async Task AnsweredWritesSurviveAKilledServer()
    {
        var (domain, admin, secret) = await ServerExecutable.CreateEnterpriseAsync(_dataDir, "crash");

        string token;
        var aliases = Enumerable.Range(0, 20).Select(i => $"gone-{i}@{domain}").ToList();
        await using (var server = await StartServerAsync())
        {
            using var client = new HttpClient { BaseAddress = server.Address };

            // A change made by a command while the server runs.
            var access = await ServerExecutable.RunCommandAsync(["enterprise", "set-access", "--admin", admin, "--rate-limit", "1000", $"--Mailroom:DataDir={_dataDir}"]);
            Assert.True(access.ExitCode == 0, access.ToString());
            token = await Calls.IssueTokenAsync(client, admin, secret);

            // Concurrent refusals share group commits; each is answered only once it is durable,
            // so killing the server the moment the last answer arrives loses none of them.
            var answers = Task.WhenAll(aliases.Select(alias => Calls.UserGetAsync(client, token, alias)));
            var wrongSecrets = Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Calls.TokenAsync(client, admin, "0123456789abcdef0123456789abcdef")));
            var accepted = Calls.PostAsync(client, token, "/openapi/party/sync", ("Action", "2"), ("DstPath", "崩溃/之前"));
            await Task.WhenAll(answers, wrongSecrets, accepted);
            await server.KillAsync();
            (await accepted).AssertEmptySuccess();
            Assert.All(await answers, a => a.AssertError("1301", "user_not_found"));
            Assert.All(await wrongSecrets, a => Assert.Equal(HttpStatusCode.Unauthorized, a.Status));
        }

        await using (var restarted = await StartServerAsync())
        {
            using var client = new HttpClient { BaseAddress = restarted.Address };
            Assert.True(await Calls.TokenWorksAsync(client, token, domain), "the token issued before the crash");
            Assert.Equal(HttpStatusCode.OK, (await Calls.TokenAsync(client, admin, secret)).Status);
            var list = new HttpRequestMessage(HttpMethod.Post, "/openapi/party/list")
            {
                Content = new FormUrlEncodedContent([KeyValuePair.Create("PartyPath", "崩溃"), KeyValuePair.Create("access_token", token)]),
            };
            var children = await ApiResponse.SendAsync(client, list);
            Assert.Equal("之前", children.Json.GetProperty("List")[0].GetProperty("Value").GetString());
        }

        var log = await ServerExecutable.RunCommandAsync(["operations", "list", "--admin", admin, "--limit", "1000", $"--Mailroom:DataDir={_dataDir}"]);
        Assert.True(log.ExitCode == 0, log.ToString());
        foreach (var alias in aliases)
        {
            Assert.Matches($@"user/get +1301 user_not_found +\{{""alias"":""{Regex.Escape(alias)}""\}}", log.Output);
        }

        Assert.Equal(5, Regex.Count(log.Output, @" token +1100 invalid_client "));
        Assert.Matches(@" party/sync +0 +\{""Action"":""2"",""DstPath"":""崩溃/之前""\}", log.Output);

        var listed = await ServerExecutable.RunCommandAsync(["enterprise", "list", $"--Mailroom:DataDir={_dataDir}"]);
        Assert.Matches($@"{Regex.Escape(admin)} +on +any +1000/s", listed.Output);
    }

    [Fact]
    public async Task WritesAnsweredBeforeTheirCommitSurviveAKilledServer()
    {
        var (domain, admin, secret) = await ServerExecutable.CreateEnterpriseAsync(_dataDir, "journal");
        var aliases = Enumerable.Range(0, 12).Select(i => $"j{i}@{domain}").ToList();

        // Nothing commits on its own while the test runs: no commit delay, no polling reader.
        await using (var server = await StartServerAsync("Normal", "--Mailroom:CommitDelayMilliseconds=600000", "--Mailroom:Auth:ClientRefreshMilliseconds=600000", "--Mailroom:Passwords:Iterations=1000"))
        {
            using var client = new HttpClient { BaseAddress = server.Address };
            var token = await Calls.IssueTokenAsync(client, admin, secret);
            foreach (var alias in aliases)
            {
                (await Calls.PostAsync(client, token, "/openapi/user/sync", ("Action", "2"), ("Alias", alias), ("Name", "成员"), ("Password", "0123456789abcdef0123456789abcdef"))).AssertEmptySuccess();
            }

            // The hardener reads (and so commits) until every new password has its slow hash.
            await Eventually.HoldsAsync(
                async () => (await DataDirDatabase.QueryAsync(_dataDir, "SELECT COUNT(*) || '/' || (SELECT COUNT(*) FROM password_hardening) FROM members")).Single() == $"{aliases.Count}/0",
                "the members are added and their passwords hardened");

            // These are answered, journaled and left uncommitted when the server is killed.
            foreach (var alias in aliases.Skip(6).Reverse())
            {
                (await Calls.PostAsync(client, token, "/openapi/user/sync", ("Action", "3"), ("Alias", alias), ("Name", "改名 " + alias))).AssertEmptySuccess();
            }

            (await Calls.PostAsync(client, token, "/openapi/party/sync", ("Action", "2"), ("DstPath", "日志/之后"))).AssertEmptySuccess();
            (await Calls.PostAsync(client, token, "/openapi/user/sync", ("Action", "3"), ("Alias", $"nobody@{domain}"), ("Name", "x"))).AssertError("1301", "user_not_found");
            await server.KillAsync();
        }

        Assert.DoesNotContain(
            await DataDirDatabase.QueryAsync(_dataDir, "SELECT name FROM members"),
            name => name.StartsWith("改名", StringComparison.Ordinal));
        Assert.True(new FileInfo(Path.Combine(_dataDir, "mailroom.db-calls")).Length > 0, "the answered calls are in the call journal");

        // The next writer, here an operator command, replays the journal before anything else.
        var log = await ServerExecutable.RunCommandAsync(["operations", "list", "--admin", admin, "--limit", "1000", $"--Mailroom:DataDir={_dataDir}"]);
        Assert.True(log.ExitCode == 0, log.ToString());
        Assert.Equal(aliases.Count + 6, Regex.Count(log.Output, @" user/sync +0 "));
        Assert.Matches($@" user/sync +1301 user_not_found +\{{""Action"":""3"",""Alias"":""nobody@{Regex.Escape(domain)}""", log.Output);
        Assert.Matches(@" party/sync +0 +\{""Action"":""2"",""DstPath"":""日志/之后""\}", log.Output);

        await using (var restarted = await StartServerAsync("Normal"))
        {
            using var client = new HttpClient { BaseAddress = restarted.Address };
            var token = await Calls.IssueTokenAsync(client, admin, secret);
            var renamed = await Calls.PostAsync(client, token, "/openapi/user/get", ("Alias", aliases[^1]));
            Assert.Equal("改名 " + aliases[^1], renamed.Json.GetProperty("Name").GetString());
            var children = await Calls.PostAsync(client, token, "/openapi/party/list", ("PartyPath", "日志"));
            Assert.Equal("之后", children.Json.GetProperty("List")[0].GetProperty("Value").GetString());

            // Versions went on in order: the renamed members are listed last, in the order of their change.
            var list = await Calls.PostAsync(client, token, "/openapi/user/list", ("Ver", "0"));
            Assert.Equal(
                [.. aliases.Take(6), .. aliases.Skip(6).Reverse()],
                list.Json.GetProperty("List").EnumerateArray().Select(e => e.GetProperty("Alias").GetString()));
        }
    }

    [Fact]
    public async Task ADatabaseWithTheOldMemberIndexIsUpgradedAtStart()
    {
        TestEnterprise enterprise;
        using (var first = new MailroomApp(_dataDir))
        {
            enterprise = await first.CreateEnterpriseAsync();
            await enterprise.AddMemberAsync("first");
            await enterprise.AddMemberAsync("second");
        }

        // The index of databases made before: it moved on every member change.
        await DataDirDatabase.ExecuteAsync(_dataDir, "DROP INDEX members_of_enterprise; CREATE INDEX members_by_enterprise ON members (enterprise_id, changed_version);");

        using var second = new MailroomApp(_dataDir);
        Assert.Equal(
            ["members_of_enterprise"],
            await DataDirDatabase.QueryAsync(_dataDir, "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'members' AND sql IS NOT NULL"));
        var again = new TestEnterprise(second, enterprise.Id, enterprise.Domain, enterprise.ClientId, enterprise.Secret);
        await again.RefreshTokenAsync();
        (await again.PostAsync("/openapi/user/sync", ("Action", "3"), ("Alias", again.Address("first")), ("Name", "新名字"))).AssertEmptySuccess();

        // Ver=0 still lists members in the order of their last change.
        var list = await again.PostAsync("/openapi/user/list", ("Ver", "0"));
        Assert.Equal(
            [again.Address("second"), again.Address("first")],
            list.Json.GetProperty("List").EnumerateArray().Select(e => e.GetProperty("Alias").GetString()));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_dataDir))
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }

    private Task<ServerProcess> StartServerAsync(string durability = "Full", params string[] settings)
    {
        var address = new Uri($"http://127.0.0.1:{ServerExecutable.FreePort()}");
        return ServerProcess.StartAsync(address, ["--urls", address.ToString(), $"--Mailroom:DataDir={_dataDir}", "--Mailroom:Demo:Enabled=false", $"--Mailroom:Durability={durability}", .. settings]);
    }

    private static async Task<long> VersionAsync(MailroomApp app, long enterpriseId) =>
        (await app.Get<EnterpriseService>().OverviewAsync(TestContext.Current.CancellationToken)).Single(e => e.Enterprise.Id == enterpriseId).Enterprise.Version;
}
