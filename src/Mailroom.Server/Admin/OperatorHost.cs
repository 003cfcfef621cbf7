using Mailroom.Server.Storage;

namespace Mailroom.Server.Admin;

/// <summary>
/// The services an operator command uses, built like the server's (appsettings.json, environment
/// variables such as <c>Mailroom__DataDir</c>, <c>--Mailroom:DataDir=...</c> settings) but without
/// Kestrel and without starting any hosted service. Changes reach a running server through the
/// database: it polls the clients revision (Mailroom:Auth:ClientRefreshMilliseconds).
/// </summary>
internal sealed class OperatorHost : IAsyncDisposable
{
    private readonly IHost _host;

    private OperatorHost(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    /// <summary>
    /// Builds the host. With <paramref name="requireDatabase"/> a missing database file is refused
    /// (null, with the path to report) rather than silently created in a mistyped directory.
    /// </summary>
    public static OperatorHost? Open(IReadOnlyList<string> settings, bool requireDatabase, out string databasePath)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [.. settings],
            // The web server reads its environment name from ASPNETCORE_ENVIRONMENT first; so do the commands.
            EnvironmentName = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") is { Length: > 0 } environment ? environment : null,
        });

        // Results go to stdout; framework diagnostics (warnings and worse) go to stderr only.
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.AddFilter((_, level) => level >= LogLevel.Warning);

        // Checked before AddStorage, which creates the data directory.
        databasePath = (builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions()).DatabasePath;
        if (requireDatabase && !File.Exists(databasePath))
        {
            return null;
        }

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddStorage(builder.Configuration);
        builder.Services.AddEnterpriseManagement();
        return new OperatorHost(builder.Build());
    }

    public T Get<T>()
        where T : notnull => _host.Services.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        if (_host is IAsyncDisposable asyncHost)
        {
            await asyncHost.DisposeAsync();
        }
        else
        {
            _host.Dispose();
        }
    }
}
