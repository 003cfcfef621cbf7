using Mailroom.IntegrationTests;
using Microsoft.Playwright;

namespace Mailroom.BrowserTests;

/// <summary>
/// One real server and one headless Debian Chromium shared by the tests of a class; each test
/// opens its own browser context (own cookies), so tests never see each other's sessions.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    // Chromium's calls home are refused on these machines; without these flags it retries them at length.
    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public MailroomApp App { get; } = new();

    /// <summary>Debian's chromium unless <c>MAILROOM_CHROMIUM</c> names another executable.</summary>
    public static string ChromiumPath => Environment.GetEnvironmentVariable("MAILROOM_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public async ValueTask InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    /// <summary>
    /// A fresh page in a fresh context whose browser asks for <paramref name="locale"/> first, with
    /// a viewport of <paramref name="width"/> CSS pixels when given (375 = a phone).
    /// </summary>
    public async Task<IPage> NewPageAsync(string locale = "en-US", int? width = null)
    {
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = App.BaseAddress.ToString(),
            Locale = locale,
            ViewportSize = width is { } w ? new ViewportSize { Width = w, Height = 800 } : null,
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        App.Dispose();
    }
}
