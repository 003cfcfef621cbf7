using Mailroom.IntegrationTests;
using Microsoft.Playwright;

namespace Mailroom.BrowserTests;

/// <summary>Signing in to the administrator's console the way a person does.</summary>
internal static class ConsoleSignIn
{
    /// <summary>A new browser context signed in as the enterprise's administrator, on the overview page.</summary>
    public static async Task<IPage> SignedInPageAsync(this BrowserFixture browser, TestEnterprise enterprise, string locale = "en-US", int? width = null)
    {
        var page = await browser.NewPageAsync(locale, width);
        await page.SignInAsync(enterprise.ClientId, enterprise.AdminPassword, locale.StartsWith("zh", StringComparison.Ordinal));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(locale.StartsWith("zh", StringComparison.Ordinal) ? "企业概况" : "Enterprise overview");
        return page;
    }

    /// <summary>Fills and sends the sign-in form at /admin.</summary>
    public static async Task SignInAsync(this IPage page, string account, string password, bool chinese = false)
    {
        if (new Uri(page.Url).AbsolutePath != "/admin")
        {
            await page.GotoAsync("/admin");
        }

        await page.GetByLabel(chinese ? "管理员帐号" : "Administrator account").FillAsync(account);
        await page.GetByLabel(chinese ? "密码" : "Password", new() { Exact = true }).FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = chinese ? "登录" : "Sign in", Exact = true }).ClickAsync();
    }

    /// <summary>The form a section heading names (forms are labelled by their headings).</summary>
    public static ILocator Form(this IPage page, string name) => page.GetByRole(AriaRole.Form, new() { Name = name, Exact = true });
}
