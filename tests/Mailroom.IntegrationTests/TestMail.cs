using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MailKit.Net.Smtp;
using MailKit.Security;
using Mailroom.Server.Mail;
using MimeKit;

namespace Mailroom.IntegrationTests;

/// <summary>Members, messages and SMTP clients for the mail tests.</summary>
public static class TestMail
{
    public const string Password = "secret-123";

    /// <summary>Creates a member through user/sync (with optional Slave aliases and disabled state).</summary>
    public static async Task<string> AddMemberAsync(TestEnterprise enterprise, string local, string[]? aliases = null, bool disabled = false)
    {
        var address = enterprise.Address(local);
        var parameters = new List<(string, string)> { ("Action", "2"), ("Alias", address), ("Name", local), ("Password", Password) };
        parameters.AddRange((aliases ?? []).Select(a => ("Slave", enterprise.Address(a))));
        if (disabled)
        {
            parameters.Add(("OpenType", "2"));
        }

        (await enterprise.PostAsync("/openapi/user/sync", [.. parameters])).AssertEmptySuccess();
        return address;
    }

    /// <summary>Creates a group through group/add.</summary>
    public static async Task<string> AddGroupAsync(TestEnterprise enterprise, string local, string status, string[] members, string[]? allowList = null)
    {
        var address = enterprise.Address(local);
        (await enterprise.PostAsync("/openapi/group/add", ("group_name", local), ("group_admin", address), ("status", status), ("members", string.Join(',', members)))).AssertEmptySuccess();
        if (allowList is not null)
        {
            (await enterprise.PostAsync("/openapi/group/addallowlist", ("group_alias", address), ("allow_list", string.Join(',', allowList)))).AssertEmptySuccess();
        }

        return address;
    }

    /// <summary>mail/newcount's NewCount (a digit string) as a number.</summary>
    public static async Task<int> NewCountAsync(TestEnterprise enterprise, string alias)
    {
        var response = await enterprise.PostAsync("/openapi/mail/newcount", ("alias", alias));
        return int.Parse(response.Json.GetProperty("NewCount").GetString()!, CultureInfo.InvariantCulture);
    }

    public static MimeMessage Message(string from, string to, string subject, string text)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = text };
        return message;
    }

    /// <summary>A MailKit client connected to the inbound port (or, with credentials, authenticated on the submission port).</summary>
    public static async Task<SmtpClient> ConnectAsync(MailroomApp app, string? user = null, string? password = null)
    {
        var endpoints = app.Get<SmtpEndpoints>();
        var ct = TestContext.Current.CancellationToken;
        var endPoint = user is null ? await endpoints.InboundAsync(ct) : await endpoints.SubmissionAsync(ct);
        var client = new SmtpClient();
        await client.ConnectAsync(endPoint.Address.ToString(), endPoint.Port, SecureSocketOptions.None, ct);
        if (user is not null)
        {
            await client.AuthenticateAsync(user, password ?? Password, ct);
        }

        return client;
    }

    /// <summary>Sends one message on the inbound port with the given envelope; the server's final reply text.</summary>
    public static async Task<string> SendAsync(MailroomApp app, MimeMessage message, string sender, params string[] recipients)
    {
        using var client = await ConnectAsync(app);
        var reply = await client.SendAsync(message, MailboxAddress.Parse(sender), recipients.Select(MailboxAddress.Parse), TestContext.Current.CancellationToken);
        await client.DisconnectAsync(quit: true, TestContext.Current.CancellationToken);
        return reply;
    }

    /// <summary>
    /// Files under the server's message spool that hold something, temporary ones included (the
    /// spool also keeps empty files ready for the next messages).
    /// </summary>
    public static IReadOnlyList<string> SpoolFiles(MailroomApp app)
    {
        var root = app.Get<MessageSpool>().Root;
        return Directory.Exists(root)
            ? Directory.GetFiles(root, "*", SearchOption.AllDirectories).Where(f => f.EndsWith(".tmp", StringComparison.Ordinal) || new FileInfo(f).Length > 0).ToList()
            : [];
    }
}

/// <summary>A raw SMTP conversation over a socket, for what a well-behaved client never sends.</summary>
public sealed class RawSmtp : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly StreamReader _reader;
    private readonly Stream _stream;

    private RawSmtp(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
        _reader = new StreamReader(_stream, Encoding.ASCII);
    }

    public static async Task<RawSmtp> ConnectAsync(IPEndPoint endPoint)
    {
        var client = new TcpClient();
        await client.ConnectAsync(endPoint, TestContext.Current.CancellationToken);
        var smtp = new RawSmtp(client);
        Assert.StartsWith("220 ", await smtp.ReadReplyAsync());
        return smtp;
    }

    /// <summary>Sends one line (CRLF added) and reads the whole reply (all its lines, the last one returned with the code).</summary>
    public async Task<string> CommandAsync(string line)
    {
        await WriteAsync(line + "\r\n");
        return await ReadReplyAsync();
    }

    public async Task WriteAsync(string text)
    {
        await _stream.WriteAsync(Encoding.UTF8.GetBytes(text), TestContext.Current.CancellationToken);
        await _stream.FlushAsync(TestContext.Current.CancellationToken);
    }

    public async Task<string> ReadReplyAsync()
    {
        var lines = new StringBuilder();
        while (true)
        {
            var line = await _reader.ReadLineAsync(TestContext.Current.CancellationToken) ?? throw new IOException("The server closed the connection.\n" + lines);
            lines.AppendLine(line);
            if (line.Length < 4 || line[3] != '-')
            {
                return lines.ToString().TrimEnd();
            }
        }
    }

    /// <summary>True when the server has closed the connection (reads end of stream).</summary>
    public async Task<bool> ClosedByServerAsync() => await _reader.ReadLineAsync(TestContext.Current.CancellationToken) is null;

    /// <summary>Drops the connection without QUIT, as a crashing client would (RST).</summary>
    public void Abort()
    {
        _client.Client.LingerState = new LingerOption(true, 0);
        _client.Close();
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
