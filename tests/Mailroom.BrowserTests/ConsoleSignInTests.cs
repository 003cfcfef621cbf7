using System.Net;
using Microsoft.Playwright;

namespace Mailroom.BrowserTests;

/// <summary>Signing in to /admin, in both languages; throttling; the session cookie; signing out.</summary>
public sealed class ConsoleSignInTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task AdministratorSignsInWithAccountAndPasswordInEnglish()
    {
        var enterprise = await browser.App.CreateEnterpriseAsync();
        var page = await browser.NewPageAsync("en-US");

        await page.GotoAsync("/admin");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Administrator sign-in");
        await page.SignInAsync(enterprise.ClientId, enterprise.AdminPassword);

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Enterprise overview");
        await Assertions.Expect(page.GetByText(enterprise.Domain)).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Console" }).GetByRole(AriaRole.Link, new() { Name = "Operation log" })).ToBeVisibleAsync();

        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "mailroom-admin");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.Equal("/admin", cookie.Path);
        Assert.Equal(-1, cookie.Expires);
    }

    [Fact]
    public async Task AdministratorSignsInInChineseAndSeesChineseErrors()
    {
        var enterprise = await browser.App.CreateEnterpriseAsync();
        var page = await browser.NewPageAsync("zh-CN");

        await page.GotoAsync("/admin");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("管理员登录");
        await page.SignInAsync(enterprise.ClientId, "not-the-password", chinese: true);
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("帐号或密码错误。");

        await page.SignInAsync(enterprise.ClientId, enterprise.AdminPassword, chinese: true);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("企业概况");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "开放协议" }).First).ToBeVisibleAsync();

        // The switch changes the language of the console pages too.
        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Enterprise overview");
    }

    [Fact]
    public async Task RepeatedWrongPasswordsLockTheAccountEvenForTheRightOne()
    {
        var enterprise = await browser.App.CreateEnterpriseAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/admin");

        for (var i = 0; i < 5; i++)
        {
            await page.SignInAsync(enterprise.ClientId, $"wrong-{i}-password");
            await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Wrong account or password.");
        }

        var locked = await page.RunAndWaitForResponseAsync(
            () => page.SignInAsync(enterprise.ClientId, enterprise.AdminPassword),
            response => response.Request.Method == "POST");
        Assert.Equal((int)HttpStatusCode.TooManyRequests, locked.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Too many wrong passwords");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Administrator sign-in");

        // Another administrator signing in from the same address is not affected by this account's lock.
        var other = await browser.App.CreateEnterpriseAsync();
        await browser.SignedInPageAsync(other);
    }

    [Fact]
    public async Task ConsolePagesNeedASessionAndSigningOutEndsIt()
    {
        var enterprise = await browser.App.CreateEnterpriseAsync();
        var page = await browser.NewPageAsync();

        await page.GotoAsync("/admin/directory");
        Assert.Contains("/admin?ReturnUrl=%2Fadmin%2Fdirectory", page.Url, StringComparison.Ordinal);
        await page.SignInAsync(enterprise.ClientId, enterprise.AdminPassword);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Directory");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("You are signed out.");
        await page.GotoAsync("/admin/protocol");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Administrator sign-in");
    }

    [Fact]
    public async Task FormsWithoutTheAntiForgeryTokenAreRefused()
    {
        var enterprise = await browser.App.CreateEnterpriseAsync();
        var page = await browser.SignedInPageAsync(enterprise);

        // The session cookie is sent, but the form's token is missing: the change is refused.
        var forged = await page.APIRequest.PostAsync("/admin/protocol?handler=switch", new() { Form = page.APIRequest.CreateFormData().Set("state", "off") });

        Assert.Equal(400, forged.Status);
        (await enterprise.PostAsync("/openapi/user/get", ("alias", enterprise.Address("nobody")))).AssertError("1301", "user_not_found");
    }
}
