using Microsoft.Extensions.Options;

namespace Mailroom.Server.Admin;

/// <summary>On first start with an empty database, creates the demo enterprise so the server is useful at once.</summary>
internal sealed partial class DemoEnterpriseSeeder(EnterpriseService enterprises, IOptions<DemoOptions> options, ILogger<DemoEnterpriseSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var demo = options.Value;
        if (!demo.Enabled || (await enterprises.ListAsync(cancellationToken)).Count > 0)
        {
            return;
        }

        var password = string.IsNullOrWhiteSpace(demo.AdminPassword) ? AdminPasswords.Generate() : demo.AdminPassword;
        var created = await enterprises.CreateAsync(
            "Demo", [demo.Domain], demo.Admin, cancellationToken, string.IsNullOrWhiteSpace(demo.Secret) ? null : demo.Secret.Trim(), password);
        if (created.Error is { } error)
        {
            LogDemoRefused(logger, error.Message);
            return;
        }

        LogDemoCreated(logger, demo.Domain, demo.Admin);
        if (string.IsNullOrWhiteSpace(demo.Secret))
        {
            // Shown once on the console for the person starting the server; never written to a log.
            Console.WriteLine($"Demo enterprise {demo.Domain}: client_id={demo.Admin} client_secret={created.Value!.InterfaceKey}");
        }

        if (string.IsNullOrWhiteSpace(demo.AdminPassword))
        {
            // Likewise shown once, for signing in to the console at /admin.
            Console.WriteLine($"Demo enterprise {demo.Domain}: console /admin account={demo.Admin} password={password}");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Created the demo enterprise {Domain} with administrator {Admin}")]
    private static partial void LogDemoCreated(ILogger logger, string domain, string admin);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "The demo enterprise was not created: {Reason}")]
    private static partial void LogDemoRefused(ILogger logger, string reason);
}
