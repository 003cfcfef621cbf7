using Mailroom.Server.Admin;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Mailroom.IntegrationTests;

/// <summary>
/// The real server on a loopback port with its own SQLite file. Every instance owns a fresh data
/// directory unless one is given (restart tests reuse one).
/// </summary>
public sealed class MailroomApp : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly bool _ownsDataDir;
    private readonly Action<IServiceCollection>? _configureServices;
    private int _enterprises;

    /// <param name="dataDir">The data directory to use (and keep); null: a fresh one, deleted on dispose.</param>
    /// <param name="settings">Configuration settings, e.g. <c>Mailroom:Auth:TokenLifetimeSeconds</c>.</param>
    /// <param name="configureServices">Service overrides applied after the server's own, e.g. a FakeTimeProvider.</param>
    public MailroomApp(string? dataDir = null, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configureServices = null)
    {
        _ownsDataDir = dataDir is null;
        _configureServices = configureServices;
        DataDir = dataDir ?? Path.Combine(Path.GetTempPath(), "mailroom-tests", Guid.NewGuid().ToString("N"));
        _settings = new(settings ?? new Dictionary<string, string?>(), StringComparer.OrdinalIgnoreCase);
        UseKestrel(0);
        StartServer();
        Client = CreateClient();
    }

    public string DataDir { get; }

    /// <summary>An HttpClient to the real Kestrel listener.</summary>
    public HttpClient Client { get; }

    public Uri BaseAddress => Client.BaseAddress!;

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    /// <summary>
    /// Creates an enterprise with a unique domain and administrator (with a console password of its
    /// own, <see cref="TestEnterprise.AdminPassword"/>) and fetches a token.
    /// </summary>
    public async Task<TestEnterprise> CreateEnterpriseAsync(string? domain = null)
    {
        var n = Interlocked.Increment(ref _enterprises);
        var tag = Guid.NewGuid().ToString("N")[..8];
        domain ??= $"e{n}-{tag}.example";
        var admin = $"admin-{n}-{tag}";
        var password = $"pw-{Guid.NewGuid():N}";
        var created = await Get<EnterpriseService>().CreateAsync($"Enterprise {n}", [domain], admin, TestContext.Current.CancellationToken, adminPassword: password);
        Assert.False(created.IsError, created.Error?.Message);
        var enterprise = new TestEnterprise(this, created.Value!.EnterpriseId, domain, admin, created.Value.InterfaceKey, password);
        await enterprise.RefreshTokenAsync();
        return enterprise;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Mailroom:DataDir", DataDir);
        builder.UseSetting("Mailroom:Demo:Enabled", "false");
        builder.UseSetting("Mailroom:Durability", "Normal");

        // Any free ports: many servers run at once, and tests ask SmtpEndpoints where they listen.
        builder.UseSetting("Mailroom:Smtp:Port", "0");
        builder.UseSetting("Mailroom:Smtp:SubmissionPort", "0");

        // The slow hash's work factor is a setting; a small one keeps the suite's background work light.
        builder.UseSetting("Mailroom:Passwords:Iterations", "1000");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (_configureServices is not null)
        {
            builder.ConfigureTestServices(_configureServices);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Client.Dispose();
        }

        base.Dispose(disposing);
        if (disposing && _ownsDataDir)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(DataDir, recursive: true);
            }
            catch (IOException)
            {
                // A file still open by a finishing background task; the temp directory is cleaned later.
            }
        }
    }
}
