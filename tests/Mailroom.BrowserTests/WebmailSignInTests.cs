using System.Security.Cryptography;
using Mailroom.IntegrationTests;
using Mailroom.Server.Protocol;
using Mailroom.Server.Sso;
using Mailroom.Server.Storage;
using Microsoft.Playwright;

namespace Mailroom.BrowserTests;

/// <summary>Webmail sign-in in a real browser: one-click links, password, TOTP, throttling, logout (PROTOCOL.md §6.10, §7.4, §7.5).</summary>
public sealed class WebmailSignInTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private MailroomApp App => browser.App;

    [Fact]
    public async Task AOneClickLinkArrivesSignedInOnTheInbox()
    {
        var enterprise = await App.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        var page = await browser.NewPageAsync();

        var response = await page.GotoAsync(enterprise.OneClickLink(bob, await enterprise.AuthKeyAsync(bob)));

        Assert.Equal(200, response!.Status);
        Assert.EndsWith("/mail", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Inbox");
        await Assertions.Expect(page.GetByText($"Signed in as {bob}")).ToBeVisibleAsync();
    }

    [Theory]
    [InlineData("en-US", "This sign-in link is no longer valid")]
    [InlineData("zh-CN", "此登录链接已失效")]
    public async Task AReusedLinkShowsTheNoLongerValidPage(string locale, string heading)
    {
        var enterprise = await App.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        var link = enterprise.OneClickLink(bob, await enterprise.AuthKeyAsync(bob));
        var first = await browser.NewPageAsync();
        await first.GotoAsync(link);
        Assert.EndsWith("/mail", first.Url, StringComparison.Ordinal);

        var page = await browser.NewPageAsync(locale);
        var response = await page.GotoAsync(link);

        Assert.Equal(403, response!.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(heading);
        await page.GotoAsync("/mail");
        Assert.Contains("/mail/login", page.Url, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en-US", "This sign-in link is no longer valid", "Sign in with your password")]
    [InlineData("zh-CN", "此登录链接已失效", "使用密码登录")]
    public async Task AnExpiredLinkShowsTheNoLongerValidPage(string locale, string heading, string passwordLink)
    {
        var enterprise = await App.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        var ticket = await enterprise.AuthKeyAsync(bob);
        await ExpireAsync(ticket);
        var page = await browser.NewPageAsync(locale);

        var response = await page.GotoAsync(enterprise.OneClickLink(bob, ticket));

        Assert.Equal(403, response!.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(heading);
        await page.GetByRole(AriaRole.Link, new() { Name = passwordLink }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/mail/login$"));
    }

    [Fact]
    public async Task AMemberSignsInWithAddressAndPassword()
    {
        var enterprise = await App.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob", ("Slave", enterprise.Address("bb")));
        var page = await browser.NewPageAsync();

        await page.GotoAsync("/mail");
        Assert.Contains("/mail/login", page.Url, StringComparison.Ordinal);
        await page.GetByLabel("Email address").FillAsync(enterprise.Address("bb"));
        await page.GetByLabel("Password").FillAsync(WebmailSteps.MemberPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Inbox");
        await Assertions.Expect(page.GetByText($"Signed in as {bob}")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task AWrongPasswordGetsAGenericErrorAndRepeatedFailuresAreThrottled()
    {
        var enterprise = await App.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/mail/login");

        for (var i = 0; i < 5; i++)
        {
            await SignInAsync(page, bob, "wrong-Passw0rd");
            await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The email address or password is incorrect.");
        }

        await SignInAsync(page, bob, WebmailSteps.MemberPassword);
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Too many failed attempts. Try again in 15 minutes.");
        Assert.Contains("/mail/login", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheFirstPasswordSignInWithTheSecondFactorEnrolsAnAuthenticatorAndLaterOnesAskForACode()
    {
        var enterprise = await App.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        (await enterprise.PostAsync("/openapi/user/openwxtoken", ("alias", bob))).AssertEmptySuccess();

        var page = await browser.NewPageAsync();
        await page.GotoAsync("/mail/login");
        await SignInAsync(page, bob, WebmailSteps.MemberPassword);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Set up two-step verification");
        var qr = page.GetByRole(AriaRole.Img, new() { Name = "QR code for your authenticator app" });
        await Assertions.Expect(qr).ToBeVisibleAsync();
        Assert.True(await qr.EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 100"), "the QR code image loads");
        Assert.True(Base32.TryDecode(await page.GetByLabel("Setup key, if you cannot scan the code").InputValueAsync(), out var secret));

        var step = Totp.StepAt(DateTimeOffset.UtcNow);
        await page.GetByLabel("Verification code").FillAsync(Totp.Code(secret, step));
        await page.GetByRole(AriaRole.Button, new() { Name = "Finish setup and sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Inbox");

        var later = await browser.NewPageAsync("zh-CN");
        await later.GotoAsync("/mail/login");
        await later.GetByLabel("邮箱地址").FillAsync(bob);
        await later.GetByLabel("密码").FillAsync(WebmailSteps.MemberPassword);
        await later.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await Assertions.Expect(later.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("两步验证");
        await Assertions.Expect(later.GetByRole(AriaRole.Img)).ToHaveCountAsync(0);

        // The code that enrolled is used up; the next one signs in.
        await later.GetByLabel("验证码").FillAsync(Totp.Code(secret, step));
        await later.GetByRole(AriaRole.Button, new() { Name = "验证" }).ClickAsync();
        await Assertions.Expect(later.GetByRole(AriaRole.Alert)).ToContainTextAsync("验证码无效");
        await later.GetByLabel("验证码").FillAsync(Totp.Code(secret, step + 1));
        await later.GetByRole(AriaRole.Button, new() { Name = "验证" }).ClickAsync();
        await Assertions.Expect(later.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("收件箱");
    }

    [Fact]
    public async Task SigningOutEndsTheSession()
    {
        var enterprise = await App.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        var page = await browser.NewPageAsync();
        await page.GotoAsync(enterprise.OneClickLink(bob, await enterprise.AuthKeyAsync(bob)));

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("You have signed out.");
        await page.GotoAsync("/mail");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Sign in to webmail");
    }

    [Fact]
    public async Task TheLanguageSwitchWorksWhileSignedIn()
    {
        var enterprise = await App.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        var page = await browser.NewPageAsync();
        await page.GotoAsync(enterprise.OneClickLink(bob, await enterprise.AuthKeyAsync(bob)));

        await page.GetByRole(AriaRole.Button, new() { Name = "中文" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("收件箱");
        await page.GetByRole(AriaRole.Button, new() { Name = "退出登录" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("您已退出登录。");
    }

    [Fact]
    public async Task SignInPagesFitAPhoneScreen()
    {
        var enterprise = await App.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        (await enterprise.PostAsync("/openapi/user/openwxtoken", ("alias", bob))).AssertEmptySuccess();
        var page = await browser.NewPageAsync();
        await page.SetViewportSizeAsync(360, 740);

        await page.GotoAsync("/mail/login");
        await AssertFitsAsync(page);
        await SignInAsync(page, bob, WebmailSteps.MemberPassword);
        await Assertions.Expect(page.GetByLabel("Verification code")).ToBeVisibleAsync();
        await AssertFitsAsync(page);
        await page.GotoAsync(enterprise.OneClickLink(bob, await enterprise.AuthKeyAsync(bob)));
        await AssertFitsAsync(page);
    }

    private static async Task SignInAsync(IPage page, string address, string password)
    {
        await page.GetByLabel("Email address").FillAsync(address);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    private static async Task AssertFitsAsync(IPage page) =>
        Assert.True(
            await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"),
            $"{page.Url} scrolls sideways at phone width");

    // An authkey past its lifetime, without waiting 300 s: its expiry moved into the past.
    private async Task ExpireAsync(string ticket)
    {
        var hash = SHA256.HashData(Convert.FromHexString(ticket));
        var result = await App.Get<IDatabase>().WriteAsync<Done>(
            async session =>
            {
                await session.ExecuteAsync(
                    "UPDATE authkeys SET expires_at = @x WHERE key_hash = @h",
                    ("@x", DateTimeOffset.UtcNow.AddSeconds(-1).ToUnixTimeMilliseconds()), ("@h", hash));
                return Done.Value;
            },
            operation: null,
            TestContext.Current.CancellationToken);
        Assert.False(result.IsError);
    }
}
