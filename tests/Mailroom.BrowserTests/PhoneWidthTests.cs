using System.Text;
using Mailroom.IntegrationTests;
using Microsoft.Playwright;

namespace Mailroom.BrowserTests;

/// <summary>Every console page at phone width (375 CSS pixels), with a name for every control.</summary>
public sealed class PhoneWidthTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    // Controls a screen reader cannot name: no label, no aria-label(ledby), no text.
    private const string UnnamedControls =
        """
        () => [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button')]
            .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby') && !(e.textContent || '').trim())
            .map(e => e.outerHTML)
        """;

    [Theory]
    [InlineData("en-US")]
    [InlineData("zh-CN")]
    public async Task EveryPageFitsAPhoneAndNamesEveryControl(string locale)
    {
        var enterprise = await browser.App.CreateEnterpriseAsync();
        var amy = enterprise.Address("amy-with-a-rather-long-address-for-a-phone");
        (await enterprise.PostAsync("/openapi/party/sync", ("Action", "2"), ("DstPath", "研发部/后端/平台组"))).AssertEmptySuccess();
        (await enterprise.PostAsync("/openapi/user/sync", ("Action", "2"), ("Alias", amy), ("Name", "Amy"), ("Password", "Secret-123"), ("PartyPath", "研发部/后端/平台组"))).AssertEmptySuccess();
        (await enterprise.PostAsync("/openapi/group/add", ("group_name", "Team"), ("group_admin", enterprise.Address("team")), ("status", "list"), ("members", amy))).AssertEmptySuccess();

        var signedOut = await browser.NewPageAsync(locale, width: 375);
        await signedOut.GotoAsync("/admin");
        await AssertFitsAsync(signedOut, "/admin (signed out)");

        var page = await browser.SignedInPageAsync(enterprise, locale, width: 375);
        await page.GotoAsync("/admin/import");
        await page.Locator("input[type=file]").SetInputFilesAsync(new FilePayload { Name = "m.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes($"address,name\n{enterprise.Address("x")},X\n") });
        await page.Locator("form[enctype] button[type=submit]").ClickAsync();
        // The job page polls and reloads itself once the check is done, so no load event is safe to
        // wait for: poll the URL, then the report, as long as the import tests do (CI runs the
        // suites side by side). WaitForURL would wait for "load" once the URL matched, and missed it
        // in CI when the reload raced it.
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/admin/import/[0-9a-f]{32}$"), new() { Timeout = 60_000 });
        var importPage = new Uri(page.Url).AbsolutePath;
        await Assertions.Expect(page.GetByRole(AriaRole.Table).First).ToBeVisibleAsync(new() { Timeout = 60_000 });

        foreach (var path in new[]
        {
            "/admin", "/admin/protocol", "/admin/operations", "/admin/directory", "/admin/directory?path=" + Uri.EscapeDataString("研发部/后端"),
            "/admin/directory?q=amy", "/admin/members/new", "/admin/member?address=" + Uri.EscapeDataString(amy), "/admin/groups",
            "/admin/group?address=" + Uri.EscapeDataString(enterprise.Address("team")), "/admin/import", importPage,
        })
        {
            await page.GotoAsync(path);
            await AssertFitsAsync(page, path);
        }

        await page.GotoAsync("/admin/operations");
        await page.GetByRole(AriaRole.Table).GetByRole(AriaRole.Link).First.ClickAsync();
        await AssertFitsAsync(page, "operation detail");
    }

    private static async Task AssertFitsAsync(IPage page, string what)
    {
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), $"{what} is wider than the phone");
        var unnamed = await page.EvaluateAsync<string[]>(UnnamedControls);
        Assert.True(unnamed.Length == 0, $"{what} has unnamed controls: {string.Join(' ', unnamed)}");
        Assert.Equal(375, await page.EvaluateAsync<int>("() => window.innerWidth"));
    }
}
