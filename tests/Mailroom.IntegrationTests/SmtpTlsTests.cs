using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MailKit.Net.Smtp;
using MailKit.Security;
using Mailroom.Server.Mail;

namespace Mailroom.IntegrationTests;

/// <summary>STARTTLS with a PEM certificate configured as for HTTPS (docs/configuration.md); AUTH then needs TLS.</summary>
public sealed class SmtpTlsTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "mailroom-tests", Guid.NewGuid().ToString("N"));

    public SmtpTlsTests() => Directory.CreateDirectory(_directory);

    [Fact]
    public async Task SubmissionOverStartTlsWithThePemCertificate()
    {
        using var certificate = TestCertificates.CreatePem(_directory, "smtp", out var certificatePath, out var keyPath);
        using var app = new MailroomApp(settings: new Dictionary<string, string?>
        {
            ["Mailroom:Smtp:Certificate:Path"] = certificatePath,
            ["Mailroom:Smtp:Certificate:KeyPath"] = keyPath,
        });
        var ct = TestContext.Current.CancellationToken;
        var enterprise = await app.CreateEnterpriseAsync();
        var ann = await TestMail.AddMemberAsync(enterprise, "ann");
        var submission = await app.Get<SmtpEndpoints>().SubmissionAsync(ct);

        await using (var plain = await RawSmtp.ConnectAsync(submission))
        {
            var offered = await plain.CommandAsync("EHLO client.example");
            Assert.Contains("STARTTLS", offered, StringComparison.Ordinal);
            Assert.DoesNotContain("AUTH", offered, StringComparison.Ordinal);
        }

        using var client = new SmtpClient
        {
            // Trust exactly the certificate this test made, nothing else.
            ServerCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetRawCertData().AsSpan().SequenceEqual(certificate.RawData),
        };
        await client.ConnectAsync(submission.Address.ToString(), submission.Port, SecureSocketOptions.StartTls, ct);
        Assert.True(client.IsSecure);
        await client.AuthenticateAsync(ann, TestMail.Password, ct);
        await client.SendAsync(TestMail.Message(ann, ann, "Over TLS", "secret"), ct);
        await client.DisconnectAsync(quit: true, ct);

        Assert.Equal(1, await TestMail.NewCountAsync(enterprise, ann));
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
