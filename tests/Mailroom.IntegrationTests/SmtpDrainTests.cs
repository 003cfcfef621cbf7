using System.Net.Sockets;
using Mailroom.Server.Mail;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Mailroom.IntegrationTests;

/// <summary>Stopping the SMTP listeners: new connections are refused, a running message finishes, a new transaction gets 421.</summary>
public sealed class SmtpDrainTests
{
    [Fact]
    public async Task StoppingRefusesNewSessionsAndLetsTheRunningMessageFinish()
    {
        using var app = new MailroomApp();
        var ct = TestContext.Current.CancellationToken;
        var enterprise = await app.CreateEnterpriseAsync();
        var bob = await TestMail.AddMemberAsync(enterprise, "bob");
        var inbound = await app.Get<SmtpEndpoints>().InboundAsync(ct);
        var host = app.Services.GetServices<IHostedService>().OfType<SmtpHost>().Single();
        await using var smtp = await RawSmtp.ConnectAsync(inbound);
        await smtp.CommandAsync("EHLO client.example");
        await smtp.CommandAsync("MAIL FROM:<x@elsewhere.example>");
        await smtp.CommandAsync($"RCPT TO:<{bob}>");
        Assert.StartsWith("354", await smtp.CommandAsync("DATA"), StringComparison.Ordinal);

        var stopping = host.StopAsync(ct);

        using (var late = new TcpClient())
        {
            await Assert.ThrowsAnyAsync<SocketException>(() => late.ConnectAsync(inbound, ct).AsTask());
        }

        await smtp.WriteAsync("Subject: in flight\r\n\r\nfinished during the drain\r\n");
        Assert.StartsWith("250", await smtp.CommandAsync("."), StringComparison.Ordinal);
        Assert.StartsWith("421", await smtp.CommandAsync("MAIL FROM:<x@elsewhere.example>"), StringComparison.Ordinal);
        Assert.True(await smtp.ClosedByServerAsync());
        await stopping;
        Assert.Equal(1, await TestMail.NewCountAsync(enterprise, bob));
    }
}
