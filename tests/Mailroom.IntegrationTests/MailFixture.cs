using Mailroom.Server.Push;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Mailroom.IntegrationTests;

/// <summary>One server with its SMTP listeners for the tests of a class, with Push replaced by a recorder.</summary>
public sealed class MailFixture : IDisposable
{
    /// <summary>The message size limit of this fixture's server: small, so tests can exceed it cheaply.</summary>
    public const int MaxMessageBytes = 64 * 1024;

    public MailFixture() =>
        App = new MailroomApp(settings: new Dictionary<string, string?> { ["Mailroom:Smtp:MaxMessageBytes"] = MaxMessageBytes.ToString(System.Globalization.CultureInfo.InvariantCulture) }, configureServices: services =>
        {
            services.RemoveAll<IMailboxEvents>();
            services.AddSingleton(Events);
            services.AddSingleton<IMailboxEvents>(Events);
        });

    public RecordingMailboxEvents Events { get; } = new();

    public MailroomApp App { get; }

    public void Dispose() => App.Dispose();
}
