using System.Globalization;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Data.Sqlite;
using MimeKit;

namespace Mailroom.IntegrationTests;

/// <summary>
/// A message answered 250 survives a crash (SIGKILL) of the real executable, with its count and its
/// MailId; what a crash leaves without a committed message is removed at the next start. A
/// message is durable once its spool record is (Mail/MessageSpool.cs): when the database loses the
/// rows of accepted messages, as a power loss may, the next start writes them again from the spool.
/// </summary>
public sealed class MailCrashTests : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "mailroom-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task AcceptedMailSurvivesAKilledServer()
    {
        var (domain, admin, secret) = await ServerExecutable.CreateEnterpriseAsync(_dataDir, "mailcrash");
        var bob = $"bob@{domain}";
        var ct = TestContext.Current.CancellationToken;
        const int Messages = 12;

        HashSet<string> acknowledged;
        await using (var server = await StartServerAsync(out var smtpPort))
        {
            using var http = new HttpClient { BaseAddress = server.Address };
            var token = await Calls.IssueTokenAsync(http, admin, secret);
            var sync = await ApiResponse.SendAsync(http, Post("/openapi/user/sync", token, ("Action", "2"), ("Alias", bob), ("Name", "Bob"), ("Password", TestMail.Password)));
            sync.AssertEmptySuccess();

            // Concurrent sessions share flushes; each is answered only once its message is durable,
            // so killing the server the moment the last 250 arrives loses none of them.
            await Task.WhenAll(Enumerable.Range(0, 4).Select(async session =>
            {
                using var client = new SmtpClient();
                await client.ConnectAsync("127.0.0.1", smtpPort, SecureSocketOptions.None, ct);
                for (var i = session; i < Messages; i += 4)
                {
                    await client.SendAsync(TestMail.Message("x@elsewhere.example", bob, $"Before the crash {i}", $"Body {i}"), ct);
                }
            }));
            acknowledged = await MailIdsAsync();
            await server.KillAsync();
        }

        Assert.Equal(Messages, acknowledged.Count);

        // What a crash between writing a file and committing its message leaves behind.
        var day = Directory.GetDirectories(Path.Combine(_dataDir, "mail")).Order(StringComparer.Ordinal).Last();
        var orphans = new[] { Path.Combine(day, "orphan-of-a-crash-00000.tmp"), Path.Combine(day, "orphan-of-a-crash-00001.msg") };
        foreach (var orphan in orphans)
        {
            await File.WriteAllTextAsync(orphan, "Subject: never acknowledged\r\n\r\nx", ct);
        }

        await using (var restarted = await StartServerAsync(out var smtpPort))
        {
            using var http = new HttpClient { BaseAddress = restarted.Address };
            var token = await Calls.IssueTokenAsync(http, admin, secret);
            var count = await ApiResponse.SendAsync(http, Post("/openapi/mail/newcount", token, ("alias", bob)));
            Assert.Equal(Messages.ToString(CultureInfo.InvariantCulture), count.Json.GetProperty("NewCount").GetString());
            Assert.Equal(acknowledged, await MailIdsAsync());

            // The SMTP listener is up again, after the orphans were removed.
            using var client = new SmtpClient();
            await client.ConnectAsync("127.0.0.1", smtpPort, SecureSocketOptions.None, ct);
            await client.NoOpAsync(ct);
        }

        Assert.All(orphans, orphan => Assert.False(File.Exists(orphan), orphan));
        await AssertSubjectsAsync(Enumerable.Range(0, Messages).Select(i => $"Before the crash {i}"));
    }

    [Fact]
    public async Task AcceptedMailTheDatabaseLostIsDeliveredAgainFromTheSpoolExactlyOnce()
    {
        var (domain, admin, secret) = await ServerExecutable.CreateEnterpriseAsync(_dataDir, "mailjournal");
        var bob = $"bob@{domain}";
        var ct = TestContext.Current.CancellationToken;
        const int Messages = 8;

        await using (var server = await StartServerAsync(out _))
        {
            using var http = new HttpClient { BaseAddress = server.Address };
            var token = await Calls.IssueTokenAsync(http, admin, secret);
            (await ApiResponse.SendAsync(http, Post("/openapi/user/sync", token, ("Action", "2"), ("Alias", bob), ("Name", "Bob"), ("Password", TestMail.Password)))).AssertEmptySuccess();
            await server.KillAsync();
        }

        // The database as it is before any mail: what a power loss leaves when none of the later
        // commits reached the disk (they are not flushed; the spool records before them are).
        var snapshot = Path.Combine(_dataDir, "snapshot");
        Directory.CreateDirectory(snapshot);
        foreach (var file in DatabaseFiles())
        {
            File.Copy(file, Path.Combine(snapshot, Path.GetFileName(file)));
        }

        HashSet<string> acknowledged;
        await using (var server = await StartServerAsync(out var smtpPort))
        {
            using var client = new SmtpClient();
            await client.ConnectAsync("127.0.0.1", smtpPort, SecureSocketOptions.None, ct);
            for (var i = 0; i < Messages; i++)
            {
                await client.SendAsync(TestMail.Message("x@elsewhere.example", bob, $"Journaled {i}", $"Body {i}"), ct);
            }

            acknowledged = await MailIdsAsync();
            await server.KillAsync();
        }

        Assert.Equal(Messages, acknowledged.Count);

        // Where the last record ends: a crash cut the next one short there (never acknowledged, ignored).
        var last = Assert.Single(await QueryAsync("SELECT file || ' ' || MAX(file_offset + size) FROM messages GROUP BY file")).Split(' ');
        var journal = Path.Combine(_dataDir, "mail", last[0]);
        await using (var stream = new FileStream(journal, FileMode.Open, FileAccess.ReadWrite))
        {
            var head = new byte[200];
            await stream.ReadExactlyAsync(head, ct);
            stream.Position = long.Parse(last[1], CultureInfo.InvariantCulture);
            await stream.WriteAsync(head, ct);
        }

        foreach (var file in DatabaseFiles())
        {
            File.Delete(file);
        }

        foreach (var file in Directory.GetFiles(snapshot))
        {
            File.Copy(file, Path.Combine(_dataDir, Path.GetFileName(file)));
        }

        Assert.Empty(await MailIdsAsync());

        await using (var restarted = await StartServerAsync(out _))
        {
            using var http = new HttpClient { BaseAddress = restarted.Address };
            var token = await Calls.IssueTokenAsync(http, admin, secret);
            var count = await ApiResponse.SendAsync(http, Post("/openapi/mail/newcount", token, ("alias", bob)));
            Assert.Equal(Messages.ToString(CultureInfo.InvariantCulture), count.Json.GetProperty("NewCount").GetString());
            Assert.Equal(acknowledged, await MailIdsAsync());
            Assert.Contains($"Delivered {Messages} of {Messages} journaled message(s)", restarted.Log, StringComparison.Ordinal);
            await restarted.KillAsync();
        }

        await AssertSubjectsAsync(Enumerable.Range(0, Messages).Select(i => $"Journaled {i}"));

        // Without its recovery mark, a start reads the whole journal again and delivers nothing twice.
        await ExecuteAsync("DELETE FROM spool_marks");
        await using (var again = await StartServerAsync(out _))
        {
            using var http = new HttpClient { BaseAddress = again.Address };
            var token = await Calls.IssueTokenAsync(http, admin, secret);
            var count = await ApiResponse.SendAsync(http, Post("/openapi/mail/newcount", token, ("alias", bob)));
            Assert.Equal(Messages.ToString(CultureInfo.InvariantCulture), count.Json.GetProperty("NewCount").GetString());
            Assert.Equal(acknowledged, await MailIdsAsync());
            Assert.DoesNotContain("journaled message(s)", again.Log, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ACleanStopLeavesTheRecoveryMarkAtTheEndOfTheJournal()
    {
        using (var app = new MailroomApp(_dataDir, new Dictionary<string, string?> { ["Mailroom:Durability"] = "Full" }))
        {
            var enterprise = await app.CreateEnterpriseAsync();
            var bob = await TestMail.AddMemberAsync(enterprise, "bob");
            for (var i = 0; i < 3; i++)
            {
                await TestMail.SendAsync(app, TestMail.Message("x@elsewhere.example", bob, $"Clean stop {i}", "body"), "x@elsewhere.example", bob);
            }
        }

        // The next start has nothing to read: the mark is where the last record ends...
        var end = Assert.Single(await QueryAsync("SELECT file || ' ' || MAX(file_offset + size) FROM messages GROUP BY file"));
        Assert.Equal(end, Assert.Single(await QueryAsync("SELECT file || ' ' || file_offset FROM spool_marks")));

        // ...and so does the file: the zeros written ahead of the records are cut.
        var (file, offset) = (end.Split(' ')[0], long.Parse(end.Split(' ')[1], CultureInfo.InvariantCulture));
        Assert.Equal(offset, new FileInfo(Path.Combine(_dataDir, "mail", file)).Length);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_dataDir))
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }

    private static HttpRequestMessage Post(string path, string token, params (string Name, string Value)[] parameters)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(parameters.Select(p => KeyValuePair.Create(p.Name, p.Value))),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private Task<ServerProcess> StartServerAsync(out int smtpPort)
    {
        var address = new Uri($"http://127.0.0.1:{ServerExecutable.FreePort()}");
        smtpPort = ServerExecutable.FreePort();
        return ServerProcess.StartAsync(
            address,
            ["--urls", address.ToString(), $"--Mailroom:DataDir={_dataDir}", "--Mailroom:Demo:Enabled=false", "--Mailroom:Durability=Full", $"--Mailroom:Smtp:Port={smtpPort}"]);
    }

    private string[] DatabaseFiles() =>
        Directory.GetFiles(_dataDir, "mailroom.db*");

    // Each message row's bytes, read from the spool as webmail reads them: the subjects they carry.
    private async Task AssertSubjectsAsync(IEnumerable<string> expected)
    {
        var ct = TestContext.Current.CancellationToken;
        var stored = await QueryAsync("SELECT file || ' ' || file_offset || ' ' || size FROM messages");
        var subjects = new HashSet<string>();
        foreach (var entry in stored)
        {
            var (file, offset, size) = (entry.Split(' ')[0], long.Parse(entry.Split(' ')[1], CultureInfo.InvariantCulture), int.Parse(entry.Split(' ')[2], CultureInfo.InvariantCulture));
            await using var raw = File.OpenRead(Path.Combine(_dataDir, "mail", file));
            raw.Position = offset;
            var bytes = new byte[size];
            await raw.ReadExactlyAsync(bytes, ct);
            using var message = await MimeMessage.LoadAsync(new MemoryStream(bytes), ct);
            subjects.Add(message.Subject ?? "");
        }

        Assert.Equal(expected.ToHashSet(), subjects);
    }

    private Task ExecuteAsync(string sql) => DataDirDatabase.ExecuteAsync(_dataDir, sql);

    private Task<HashSet<string>> MailIdsAsync() => QueryAsync("SELECT mail_id FROM mails");

    private Task<HashSet<string>> QueryAsync(string sql) => DataDirDatabase.QueryAsync(_dataDir, sql);
}
