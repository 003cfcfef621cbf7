using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mailroom.IntegrationTests;

/// <summary>
/// An HTTP and an HTTPS listener with a PEM certificate and key, configured only through Kestrel's
/// settings (docs/configuration.md), serving every route (PROTOCOL.md §1).
/// </summary>
public sealed class HttpsTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "mailroom-tests", Guid.NewGuid().ToString("N"));

    public HttpsTests() => Directory.CreateDirectory(_directory);

    [Fact]
    public async Task ATokenFromTheHttpsListenerWorksOnTheHttpListener()
    {
        using var certificate = TestCertificates.CreatePem(_directory, "mailroom", out var certificatePath, out var keyPath);
        var http = new Uri($"http://127.0.0.1:{ServerExecutable.FreePort()}");
        var https = new Uri($"https://127.0.0.1:{ServerExecutable.FreePort()}");
        using var handler = new HttpClientHandler
        {
            // Trust exactly the certificate this test made, nothing else.
            ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented is not null && presented.RawData.AsSpan().SequenceEqual(certificate.RawData),
        };
        const string Secret = "0123456789abcdef0123456789abcdef";

        await using var server = await ServerProcess.StartAsync(
            https,
            [
                $"--Kestrel:Endpoints:Http:Url={http}",
                $"--Kestrel:Endpoints:Https:Url={https}",
                $"--Kestrel:Endpoints:Https:Certificate:Path={certificatePath}",
                $"--Kestrel:Endpoints:Https:Certificate:KeyPath={keyPath}",
                $"--Mailroom:DataDir={Path.Combine(_directory, "data")}",
                "--Mailroom:Demo:Domain=secure.example",
                "--Mailroom:Demo:Admin=secure-admin",
                $"--Mailroom:Demo:Secret={Secret}",
            ],
            handler);

        using var overTls = new HttpClient(handler, disposeHandler: false) { BaseAddress = https };
        var token = await Calls.TokenAsync(overTls, "secure-admin", Secret);
        Assert.True(token.Status == HttpStatusCode.OK, $"{token.Body}\n{server.Log}");
        Assert.Equal(new Version(1, 1), token.Message.Version);
        var accessToken = token.Json.GetProperty("access_token").GetString()!;

        using var plain = new HttpClient { BaseAddress = http };
        Assert.True(await Calls.TokenWorksAsync(plain, accessToken, "secure.example"));
        Assert.True(await Calls.TokenWorksAsync(overTls, accessToken, "secure.example"));
    }

    [Fact]
    public async Task AOneClickLoginOverHttpsGetsASecureCookieAndOverHttpNot()
    {
        using var certificate = TestCertificates.CreatePem(_directory, "mailroom", out var certificatePath, out var keyPath);
        var http = new Uri($"http://127.0.0.1:{ServerExecutable.FreePort()}");
        var https = new Uri($"https://127.0.0.1:{ServerExecutable.FreePort()}");
        using var handler = new SocketsHttpHandler
        {
            UseCookies = false,
            AllowAutoRedirect = false,
            SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetRawCertData().AsSpan().SequenceEqual(certificate.RawData) },
        };
        const string Secret = "0123456789abcdef0123456789abcdef";
        await using var server = await ServerProcess.StartAsync(
            https,
            [
                $"--Kestrel:Endpoints:Http:Url={http}",
                $"--Kestrel:Endpoints:Https:Url={https}",
                $"--Kestrel:Endpoints:Https:Certificate:Path={certificatePath}",
                $"--Kestrel:Endpoints:Https:Certificate:KeyPath={keyPath}",
                $"--Mailroom:DataDir={Path.Combine(_directory, "data")}",
                "--Mailroom:Demo:Domain=webmail.example",
                "--Mailroom:Demo:Admin=webmail-admin",
                $"--Mailroom:Demo:Secret={Secret}",
            ],
            handler);
        using var plain = new HttpClient { BaseAddress = http };
        var token = await Calls.IssueTokenAsync(plain, "webmail-admin", Secret);
        const string Bob = "bob@webmail.example";
        Assert.True((await Calls.PostAsync(plain, token, "/openapi/user/sync", ("Action", "2"), ("Alias", Bob), ("Name", "Bob"), ("Password", "webmail-Passw0rd"))).IsEmptySuccess);

        foreach (var (baseAddress, secure) in new[] { (https, true), (http, false) })
        {
            var ticket = (await Calls.PostAsync(plain, token, "/openapi/mail/authkey", ("alias", Bob))).Json.GetProperty("auth_key").GetString();
            using var browser = new WebmailClient(baseAddress, handler);
            var answer = await browser.GetAsync($"/cgi-bin/login?fun=bizopenssologin&method=bizauth&agent=webmail-admin&user={Bob}&ticket={ticket}");

            Assert.True(answer.Status == HttpStatusCode.Found, $"{baseAddress}: {(int)answer.Status}\n{server.Log}");
            Assert.Equal(secure, answer.SessionCookieAttributes.Contains("secure"));
            Assert.Contains("httponly", answer.SessionCookieAttributes);
            Assert.Contains("samesite=lax", answer.SessionCookieAttributes);
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/mail")).Status);
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
