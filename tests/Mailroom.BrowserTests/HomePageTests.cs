using Microsoft.Playwright;

namespace Mailroom.BrowserTests;

public sealed class HomePageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task PageFollowsTheBrowsersLanguage()
    {
        var english = await browser.NewPageAsync("en-US");
        await english.GotoAsync("/");
        await Assertions.Expect(english.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Mailroom");
        await Assertions.Expect(english.GetByRole(AriaRole.Link, new() { Name = "Administrator console" })).ToBeVisibleAsync();
        await Assertions.Expect(english.Locator("html")).ToHaveAttributeAsync("lang", "en");

        var chinese = await browser.NewPageAsync("zh-CN");
        await chinese.GotoAsync("/");
        await Assertions.Expect(chinese.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Mailroom 企业邮箱");
        await Assertions.Expect(chinese.GetByRole(AriaRole.Link, new() { Name = "管理端" })).ToBeVisibleAsync();
        await Assertions.Expect(chinese.Locator("html")).ToHaveAttributeAsync("lang", "zh-Hans");
    }

    [Fact]
    public async Task LanguageSwitchIsRememberedAcrossPages()
    {
        var page = await browser.NewPageAsync("en-US");
        await page.GotoAsync("/");

        await page.GetByRole(AriaRole.Button, new() { Name = "中文" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "网页邮箱" })).ToBeVisibleAsync();

        await page.ReloadAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "中文" })).ToHaveAttributeAsync("aria-pressed", "true");

        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Webmail" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task PagesForbidInlineScriptAndFraming()
    {
        var page = await browser.NewPageAsync();
        var response = await page.GotoAsync("/");

        var headers = await response!.AllHeadersAsync();
        Assert.Contains("script-src 'self'", headers["content-security-policy"], StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", headers["content-security-policy"], StringComparison.Ordinal);
        Assert.Equal("DENY", headers["x-frame-options"]);

        // The stylesheet is served by Mailroom itself (no CDN) and is applied under that policy.
        var css = await page.EvaluateAsync<string>("getComputedStyle(document.querySelector('.site-header')).display");
        Assert.Equal("flex", css);
    }
}
