using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Mailroom.Server.Admin;

namespace Mailroom.IntegrationTests;

/// <summary>A server whose client registry polls the database often, as a second process's changes need.</summary>
public sealed class RefreshingServerFixture : IDisposable
{
    public MailroomApp App { get; } = new(settings: new Dictionary<string, string?> { ["Mailroom:Auth:ClientRefreshMilliseconds"] = "50" });

    public void Dispose() => App.Dispose();
}

/// <summary>
/// The operator's commands, run in-process against the data directory of a running server (as an
/// operator runs them on the server's host), and once as the real executable.
/// </summary>
[Collection(ConsoleCapture.Name)]
public sealed partial class OperatorCommandTests : IClassFixture<RefreshingServerFixture>
{
    private readonly MailroomApp _app;

    public OperatorCommandTests(RefreshingServerFixture fixture) => _app = fixture.App;

    private string DataDirSetting => $"--Mailroom:DataDir={_app.DataDir}";

    [Fact]
    public async Task CreatePrintsTheKeyOnceAndTheRunningServerAcceptsIt()
    {
        var (domain, admin) = NewNames();
        var second = $"second-{domain}";
        var created = await RunAsync("enterprise", "create", "--domain", domain, "--domain", second, "--admin", admin, "--name", "Corp 公司", DataDirSetting);

        Assert.Equal(0, created.ExitCode);
        var key = created.Output.Trim();
        Assert.Matches(InterfaceKey(), key);
        Assert.Contains("shown only now", created.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain(key, created.Errors, StringComparison.Ordinal);
        var password = ConsolePassword().Match(created.Errors).Groups[1].Value;
        Assert.Equal(20, password.Length);

        string? token = null;
        await Eventually.HoldsAsync(
            async () => (await Calls.TokenAsync(_app.Client, admin, key)).Status == HttpStatusCode.OK,
            "the server learns of the new client");
        token = await Calls.IssueTokenAsync(_app.Client, admin, key);
        Assert.True(await Calls.TokenWorksAsync(_app.Client, token, second));

        var listed = await RunAsync("enterprise", "list", DataDirSetting);
        Assert.Equal(0, listed.ExitCode);
        var lines = listed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(["ID", "NAME", "DOMAINS", "ADMIN", "API", "ALLOWED", "RATE", "MEMBERS", "VERSION"], Cells(lines[0]));
        var row = Cells(lines.Single(l => l.Contains(admin, StringComparison.Ordinal)));
        Assert.Equal(["Corp", "公司", string.Join(',', new[] { domain, second }.Order(StringComparer.Ordinal)), admin, "on", "any", "unlimited", "0"], row[1..9]);
        var version = long.Parse(row[9], CultureInfo.InvariantCulture);
        Assert.True(version > 1_000_000_000_000, "versions look like millisecond timestamps");
        Assert.NotNull((await _app.Get<AdminAccountService>().SignInAsync(admin, password, IPAddress.Loopback, TestContext.Current.CancellationToken)).Session);
    }

    [Fact]
    public async Task RotateKeyVoidsTheRunningServersTokensWithinTheRefreshInterval()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var oldToken = enterprise.Token;
        Assert.True(await Calls.TokenWorksAsync(_app.Client, oldToken, enterprise.Domain));

        var rotated = await RunAsync("enterprise", "rotate-key", "--admin", enterprise.ClientId, DataDirSetting);

        Assert.Equal(0, rotated.ExitCode);
        var newKey = rotated.Output.Trim();
        Assert.Matches(InterfaceKey(), newKey);
        Assert.NotEqual(enterprise.Secret, newKey);
        await Eventually.HoldsAsync(
            async () => (await Calls.UserGetAsync(_app.Client, oldToken, enterprise.Address("nobody"))).ErrCode == "1200",
            "the old token is refused with invalid_token",
            within: TimeSpan.FromSeconds(5));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Calls.TokenAsync(_app.Client, enterprise.ClientId, enterprise.Secret)).Status);
        var newToken = await Calls.IssueTokenAsync(_app.Client, enterprise.ClientId, newKey);
        Assert.True(await Calls.TokenWorksAsync(_app.Client, newToken, enterprise.Domain));
    }

    [Fact]
    public async Task DisableAndEnableApiReachTheRunningServer()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var oldToken = enterprise.Token;

        var disabled = await RunAsync("enterprise", "disable-api", "--admin", enterprise.ClientId, DataDirSetting);
        Assert.Equal(0, disabled.ExitCode);
        Assert.Contains("off", disabled.Output, StringComparison.Ordinal);
        await Eventually.HoldsAsync(
            async () => (await Calls.UserGetAsync(_app.Client, oldToken, enterprise.Address("nobody"))).ErrCode == "1201",
            "calls are answered api_disabled");
        Assert.Equal(HttpStatusCode.Forbidden, (await Calls.TokenAsync(_app.Client, enterprise.ClientId, enterprise.Secret)).Status);
        Assert.Contains(" off ", (await RunAsync("enterprise", "list", DataDirSetting)).Output.Split('\n').Single(l => l.Contains(enterprise.ClientId, StringComparison.Ordinal)), StringComparison.Ordinal);

        var enabled = await RunAsync("enterprise", "enable-api", "--admin", enterprise.ClientId, DataDirSetting);
        Assert.Equal(0, enabled.ExitCode);
        await Eventually.HoldsAsync(
            async () => (await Calls.TokenAsync(_app.Client, enterprise.ClientId, enterprise.Secret)).Status == HttpStatusCode.OK,
            "tokens are issued again");
        Assert.Equal("1200", (await Calls.UserGetAsync(_app.Client, oldToken, enterprise.Address("nobody"))).ErrCode);
    }

    [Fact]
    public async Task SetAccessChangesAllowedAddressesAndRateLimit()
    {
        var enterprise = await _app.CreateEnterpriseAsync();

        var blocked = await RunAsync("enterprise", "set-access", "--admin", enterprise.ClientId, "--allowed", "10.0.0.0/8,192.0.2.7", "--rate-limit", "50", DataDirSetting);
        Assert.Equal(0, blocked.ExitCode);
        Assert.Contains("10.0.0.0/8,192.0.2.7/32", blocked.Output, StringComparison.Ordinal);
        Assert.Contains("50/s", blocked.Output, StringComparison.Ordinal);
        await Eventually.HoldsAsync(
            async () => (await Calls.UserGetAsync(_app.Client, enterprise.Token, enterprise.Address("nobody"))).ErrCode == "1202",
            "a loopback caller is answered ip_freq_block");

        // Leaving --allowed out keeps it; --allowed "" allows any address again.
        var rateOnly = await RunAsync("enterprise", "set-access", "--admin", enterprise.ClientId, "--rate-limit", "0", DataDirSetting);
        Assert.Contains("10.0.0.0/8,192.0.2.7/32", rateOnly.Output, StringComparison.Ordinal);
        Assert.Contains("unlimited", rateOnly.Output, StringComparison.Ordinal);
        var cleared = await RunAsync("enterprise", "set-access", "--admin", enterprise.ClientId, "--allowed", "", DataDirSetting);
        Assert.Equal(0, cleared.ExitCode);
        Assert.Contains("allowed addresses any", cleared.Output, StringComparison.Ordinal);
        await Eventually.HoldsAsync(() => Calls.TokenWorksAsync(_app.Client, enterprise.Token, enterprise.Domain), "any address may call again");
    }

    [Theory]
    [InlineData("enterprise create --admin x")]
    [InlineData("enterprise create --domain a.example")]
    [InlineData("enterprise create --domain a.example --admin")]
    [InlineData("enterprise create --domain a.example --admin x --color red")]
    [InlineData("enterprise rotate-key")]
    [InlineData("enterprise rotate-key --admin a --admin b")]
    [InlineData("enterprise set-access --admin x")]
    [InlineData("enterprise set-access --admin x --allowed 10.0.0.300")]
    [InlineData("enterprise set-access --admin x --rate-limit -5")]
    [InlineData("enterprise set-access --admin x --rate-limit fast")]
    [InlineData("enterprise show-key --admin x")]
    [InlineData("enterprise")]
    [InlineData("enterprise list extra")]
    [InlineData("enterprise list -x")]
    [InlineData("operations list --failed --succeeded")]
    [InlineData("operations list --since yesterday")]
    [InlineData("operations list --limit 0")]
    [InlineData("operations list --limit 100000")]
    public async Task UsageErrorsExitWithTwoAndTouchNoDatabase(string commandLine)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "mailroom-tests", Guid.NewGuid().ToString("N"));
        var result = await RunAsync([.. commandLine.Split(' '), $"--Mailroom:DataDir={dataDir}"]);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("Error: ", result.Errors, StringComparison.Ordinal);
        Assert.Contains("--help", result.Errors, StringComparison.Ordinal);
        Assert.Equal("", result.Output);
        Assert.False(Directory.Exists(dataDir));
    }

    [Fact]
    public async Task RefusalsExitWithOne()
    {
        var enterprise = await _app.CreateEnterpriseAsync();

        var unknown = await RunAsync("enterprise", "rotate-key", "--admin", "nobody-" + Guid.NewGuid().ToString("N"), DataDirSetting);
        Assert.Equal(1, unknown.ExitCode);
        Assert.StartsWith("Refused: No enterprise has the administrator account", unknown.Errors, StringComparison.Ordinal);

        var takenDomain = await RunAsync("enterprise", "create", "--domain", enterprise.Domain, "--admin", "other-" + Guid.NewGuid().ToString("N"), DataDirSetting);
        Assert.Equal(1, takenDomain.ExitCode);
        Assert.Contains($"The domain {enterprise.Domain} already belongs to an enterprise.", takenDomain.Errors, StringComparison.Ordinal);

        var badDomain = await RunAsync("enterprise", "create", "--domain", "not a domain", "--admin", "x-" + Guid.NewGuid().ToString("N"), DataDirSetting);
        Assert.Equal(1, badDomain.ExitCode);

        // client_id is matched case-insensitively by the token endpoint, so a case variant is the same account.
        var caseVariant = await RunAsync("enterprise", "create", "--domain", NewNames().Domain, "--admin", enterprise.ClientId.ToUpperInvariant(), DataDirSetting);
        Assert.Equal(1, caseVariant.ExitCode);
        Assert.Contains("already used", caseVariant.Errors, StringComparison.Ordinal);
        Assert.Equal("", caseVariant.Output);
    }

    [Fact]
    public async Task CommandsOtherThanCreateRefuseAMissingDatabase()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "mailroom-tests", Guid.NewGuid().ToString("N"));

        var result = await RunAsync("enterprise", "list", $"--Mailroom:DataDir={dataDir}");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(Path.Combine(dataDir, "mailroom.db"), result.Errors, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dataDir));
    }

    [Fact]
    public async Task HelpDescribesEveryCommand()
    {
        var overview = await RunAsync("help");
        Assert.Equal(0, overview.ExitCode);
        foreach (var command in new[] { "enterprise create", "enterprise list", "enterprise rotate-key", "enterprise disable-api", "enterprise enable-api", "enterprise set-access", "operations list" })
        {
            Assert.Contains(command, overview.Output, StringComparison.Ordinal);
            var help = await RunAsync([.. command.Split(' '), "--help"]);
            Assert.Equal(0, help.ExitCode);
            Assert.StartsWith($"Usage: Mailroom.Server {command}", help.Output, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("show-key", overview.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TextsAreChineseWhenTheLocaleIsChinese()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var saved = (Environment.GetEnvironmentVariable("LC_ALL"), Environment.GetEnvironmentVariable("LANG"));
        Environment.SetEnvironmentVariable("LC_ALL", null);
        Environment.SetEnvironmentVariable("LANG", "zh_CN.UTF-8");
        try
        {
            var listed = await RunAsync("enterprise", "list", DataDirSetting);
            Assert.StartsWith("编号", listed.Output, StringComparison.Ordinal);
            Assert.Contains("开", listed.Output.Split('\n').Single(l => l.Contains(enterprise.ClientId, StringComparison.Ordinal)), StringComparison.Ordinal);

            var usage = await RunAsync("enterprise", "create", "--admin", "x");
            Assert.Equal(2, usage.ExitCode);
            Assert.StartsWith("错误：缺少 --domain。", usage.Errors, StringComparison.Ordinal);

            var refused = await RunAsync("enterprise", "enable-api", "--admin", "nobody-" + Guid.NewGuid().ToString("N"), DataDirSetting);
            Assert.StartsWith("操作被拒绝：没有企业使用管理员帐号", refused.Errors, StringComparison.Ordinal);

            // LC_ALL overrides LANG, as POSIX orders them.
            Environment.SetEnvironmentVariable("LC_ALL", "en_US.UTF-8");
            Assert.StartsWith("ID", (await RunAsync("enterprise", "list", DataDirSetting)).Output, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("LC_ALL", saved.Item1);
            Environment.SetEnvironmentVariable("LANG", saved.Item2);
        }
    }

    [Fact]
    public async Task OperationsListShowsRefusedCallsNewestFirstWithFilters()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var alias = enterprise.Address("ghost-" + Guid.NewGuid().ToString("N")[..8]);
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        Assert.Equal("1301", (await enterprise.PostAsync("/openapi/user/get", ("alias", alias), ("Password", "hunter2-secret"))).ErrCode);
        Assert.Equal("1303", (await enterprise.PostAsync("/openapi/user/get", ("alias", alias.Replace(enterprise.Domain, "elsewhere.example", StringComparison.Ordinal)), ("note", enterprise.Address("ghost")))).ErrCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Calls.TokenAsync(_app.Client, enterprise.ClientId, "0123456789abcdef0123456789abcdef")).Status);

        var all = await RunAsync("operations", "list", "--admin", enterprise.ClientId, DataDirSetting);
        Assert.Equal(0, all.ExitCode);
        var lines = Lines(all.Output);
        Assert.Equal(3, lines.Count);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z +" + Regex.Escape(enterprise.ClientId) + @" +127\.0\.0\.1 +token +1100 invalid_client +\{.*""client_secret"":""\*\*\*"".*\}$", lines[0]);
        Assert.Matches(@" +user/get +1303 invalid_alias +\{", lines[1]);
        Assert.Matches(@" +user/get +1301 user_not_found +\{""alias"":""" + Regex.Escape(alias) + @""",""Password"":""\*\*\*""\}$", lines[2]);
        Assert.DoesNotContain("hunter2", all.Output, StringComparison.Ordinal);
        var at = DateTimeOffset.Parse(lines[2][..24], CultureInfo.InvariantCulture);
        Assert.InRange(at, before, DateTimeOffset.UtcNow.AddSeconds(1));

        Assert.Single(Lines((await RunAsync("operations", "list", "--admin", enterprise.ClientId, "--alias", alias.ToUpperInvariant(), DataDirSetting)).Output));
        Assert.Single(Lines((await RunAsync("operations", "list", "--admin", enterprise.ClientId, "--endpoint", "/openapi/user/get", "--alias", alias, DataDirSetting)).Output));
        Assert.Single(Lines((await RunAsync("operations", "list", "--admin", enterprise.ClientId, "--endpoint", "cgi-bin/token", DataDirSetting)).Output));
        Assert.Equal(2, Lines((await RunAsync("operations", "list", "--admin", enterprise.ClientId, "--limit", "2", DataDirSetting)).Output).Count);
        Assert.Equal(3, Lines((await RunAsync("operations", "list", "--admin", enterprise.ClientId, "--failed", DataDirSetting)).Output).Count);
        Assert.Equal(3, Lines((await RunAsync("operations", "list", "--admin", enterprise.ClientId, "--since", before.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture), DataDirSetting)).Output).Count);
        var beijing = before.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        Assert.Equal(3, Lines((await RunAsync("operations", "list", "--admin", enterprise.ClientId, "--since", beijing, DataDirSetting)).Output).Count);

        var none = await RunAsync("operations", "list", "--admin", enterprise.ClientId, "--succeeded", DataDirSetting);
        Assert.Equal(0, none.ExitCode);
        Assert.Equal("", none.Output);
        Assert.Contains("No operation matches.", none.Errors, StringComparison.Ordinal);
        Assert.Empty(Lines((await RunAsync("operations", "list", "--admin", enterprise.ClientId, "--until", before.ToString("O", CultureInfo.InvariantCulture), DataDirSetting)).Output));
        Assert.Empty(Lines((await RunAsync("operations", "list", "--admin", enterprise.ClientId, "--since", DateTimeOffset.UtcNow.AddHours(1).ToString("O", CultureInfo.InvariantCulture), DataDirSetting)).Output));

        var unknown = await RunAsync("operations", "list", "--admin", "nobody-" + Guid.NewGuid().ToString("N"), DataDirSetting);
        Assert.Equal(1, unknown.ExitCode);
    }

    [Fact]
    public async Task OperationsListSucceededShowsAcceptedWrites()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        (await enterprise.PostAsync("/openapi/party/sync", ("Action", "2"), ("DstPath", "研发部"))).AssertEmptySuccess();
        (await enterprise.PostAsync("/openapi/party/sync", ("Action", "1"), ("DstPath", "不存在"))).AssertError("1310", "party_not_found");

        var succeeded = await RunAsync("operations", "list", "--admin", enterprise.ClientId, "--succeeded", DataDirSetting);

        var line = Assert.Single(Lines(succeeded.Output));
        Assert.Matches(Regex.Escape(enterprise.ClientId) + @" +127\.0\.0\.1 +party/sync +0 +\{""Action"":""2"",""DstPath"":""研发部""\}$", line);
        Assert.Contains("1310 party_not_found", Assert.Single(Lines((await RunAsync("operations", "list", "--admin", enterprise.ClientId, "--failed", DataDirSetting)).Output)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OperationsListEscapesControlCharactersFromCallers()
    {
        var claimed = "\u001b[31mevil" + Guid.NewGuid().ToString("N")[..8];
        await Calls.TokenAsync(_app.Client, claimed, "x");

        var listed = await RunAsync("operations", "list", "--endpoint", "token", "--limit", "1000", DataDirSetting);

        Assert.DoesNotContain('\u001b', listed.Output);
        Assert.Contains("\\u001b[31mevil", listed.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheExecutableRunsCommandsWithSettingsFromArgumentsAndEnvironment()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "mailroom-tests", Guid.NewGuid().ToString("N"));
        try
        {
            var (domain, admin) = NewNames();
            var created = await ServerExecutable.RunCommandAsync(
                ["enterprise", "create", "--domain", domain, "--admin", admin],
                new Dictionary<string, string?> { ["Mailroom__DataDir"] = dataDir });
            Assert.True(created.ExitCode == 0, created.ToString());
            Assert.Matches(InterfaceKey(), created.Output.Trim());
            Assert.Contains("shown only now", created.Errors, StringComparison.Ordinal);

            var listed = await ServerExecutable.RunCommandAsync(["enterprise", "list", $"--Mailroom:DataDir={dataDir}"]);
            Assert.True(listed.ExitCode == 0, listed.ToString());
            Assert.Contains(admin, listed.Output, StringComparison.Ordinal);
            Assert.Contains(domain, listed.Output, StringComparison.Ordinal);

            var chinese = await ServerExecutable.RunCommandAsync(
                ["enterprise", "list", "--Mailroom:DataDir", dataDir],
                new Dictionary<string, string?> { ["LANG"] = "zh_CN.UTF-8" });
            Assert.StartsWith("编号", chinese.Output, StringComparison.Ordinal);

            var usage = await ServerExecutable.RunCommandAsync(["enterprise", "create", "--admin", admin, $"--Mailroom:DataDir={dataDir}"]);
            Assert.Equal(2, usage.ExitCode);
            var refused = await ServerExecutable.RunCommandAsync(["enterprise", "create", "--domain", domain, "--admin", "other", $"--Mailroom:DataDir={dataDir}"]);
            Assert.Equal(1, refused.ExitCode);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task CreateWithAPasswordLetsTheAdministratorSignInToTheConsole()
    {
        var (domain, admin) = NewNames();
        var created = await RunAsync("enterprise", "create", "--domain", domain, "--admin", admin, "--password", "console-pass-1", DataDirSetting);

        Assert.Equal(0, created.ExitCode);
        Assert.Matches(InterfaceKey(), Assert.Single(Lines(created.Output)));
        var accounts = _app.Get<AdminAccountService>();
        await Eventually.HoldsAsync(
            async () => (await accounts.SignInAsync(admin, "console-pass-1", IPAddress.Loopback, TestContext.Current.CancellationToken)).Session is not null,
            "the server learns of the new client");

        var tooShort = await RunAsync("enterprise", "create", "--domain", NewNames().Domain, "--admin", NewNames().Admin, "--password", "short", DataDirSetting);
        Assert.Equal(1, tooShort.ExitCode);
        Assert.Contains("8 to 128 characters", tooShort.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetPasswordReplacesTheConsolePasswordAndIsLoggedAsTheOperators()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var accounts = _app.Get<AdminAccountService>();
        var ct = TestContext.Current.CancellationToken;
        var session = (await accounts.SignInAsync(enterprise.ClientId, enterprise.AdminPassword, IPAddress.Loopback, ct)).Session;
        Assert.NotNull(session);

        var generated = await RunAsync("enterprise", "set-password", "--admin", enterprise.ClientId, DataDirSetting);

        Assert.Equal(0, generated.ExitCode);
        var password = Assert.Single(Lines(generated.Output));
        Assert.Contains("shown only now", generated.Errors, StringComparison.Ordinal);
        Assert.NotNull((await accounts.SignInAsync(enterprise.ClientId, password, IPAddress.Loopback, ct)).Session);
        Assert.Null((await accounts.SignInAsync(enterprise.ClientId, enterprise.AdminPassword, IPAddress.Loopback, ct)).Session);
        Assert.False(await accounts.IsCurrentAsync(session, ct), "a session signed in with the old password ends");

        var chosen = await RunAsync("enterprise", "set-password", "--admin", enterprise.ClientId, "--password", "chosen-password", DataDirSetting);
        Assert.Equal(0, chosen.ExitCode);
        Assert.DoesNotContain("chosen-password", chosen.Output + chosen.Errors, StringComparison.Ordinal);
        Assert.NotNull((await accounts.SignInAsync(enterprise.ClientId, "chosen-password", IPAddress.Loopback, ct)).Session);

        Assert.Equal(1, (await RunAsync("enterprise", "set-password", "--admin", "nobody-" + Guid.NewGuid().ToString("N"), DataDirSetting)).ExitCode);
        Assert.Equal(1, (await RunAsync("enterprise", "set-password", "--admin", enterprise.ClientId, "--password", "short", DataDirSetting)).ExitCode);

        var logged = Lines((await RunAsync("operations", "list", "--admin", enterprise.ClientId, "--endpoint", "admin/set-password", DataDirSetting)).Output);
        Assert.Equal(2, logged.Count);
        Assert.All(logged, line => Assert.Matches(Regex.Escape(enterprise.ClientId) + @" +operator +admin/set-password +0 +\{\}$", line));
        var signIns = Lines((await RunAsync("operations", "list", "--admin", enterprise.ClientId, "--endpoint", "admin/login", DataDirSetting)).Output);
        Assert.Contains(signIns, line => line.Contains("console:127.0.0.1", StringComparison.Ordinal) && line.Contains("1100 invalid_client", StringComparison.Ordinal));
    }

    /// <summary>Runs a command in-process, capturing what it writes to the console.</summary>
    internal static async Task<CommandResult> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var (savedOut, savedError) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(errors);
        try
        {
            var code = await OperatorCommands.RunAsync(args);
            return new CommandResult(code, output.ToString(), errors.ToString());
        }
        finally
        {
            Console.SetOut(savedOut);
            Console.SetError(savedError);
        }
    }

    private static (string Domain, string Admin) NewNames()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        return ($"op-{tag}.example", $"it-admin-{tag}");
    }

    private static List<string> Lines(string output) => [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static string[] Cells(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex InterfaceKey();

    [GeneratedRegex(@"shown only now: ([A-Za-z0-9]{20})\r?$", RegexOptions.Multiline)]
    private static partial Regex ConsolePassword();
}
