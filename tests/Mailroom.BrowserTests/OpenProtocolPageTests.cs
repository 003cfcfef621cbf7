using System.Net;
using System.Text.Json;
using Mailroom.IntegrationTests;
using Mailroom.Server.Auth;
using Mailroom.Server.Push;
using Microsoft.Playwright;

namespace Mailroom.BrowserTests;

/// <summary>/admin/protocol (开放协议): status, the key behind the password, regeneration, the switch, access settings.</summary>
public sealed class OpenProtocolPageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task TheKeyIsShownOnlyAfterThePasswordAndEachRevealIsLogged()
    {
        var enterprise = await browser.App.CreateEnterpriseAsync();
        var page = await browser.SignedInPageAsync(enterprise);
        await page.GotoAsync("/admin/protocol");

        await Assertions.Expect(page.GetByText("Applied: the client and its interface key were created")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText(enterprise.Secret)).ToHaveCountAsync(0);

        var reveal = page.Form("Show the interface key");
        await reveal.GetByLabel("Your administrator password").FillAsync("wrong-password");
        await reveal.GetByRole(AriaRole.Button, new() { Name = "Show the key" }).ClickAsync();
        var password = page.Form("Show the interface key").GetByLabel("Your administrator password");
        await Assertions.Expect(password).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.Form("Show the interface key").GetByText("The password is wrong.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Interface key (client_secret)")).ToHaveCountAsync(0);

        await password.FillAsync(enterprise.AdminPassword);
        await page.Form("Show the interface key").GetByRole(AriaRole.Button, new() { Name = "Show the key" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Interface key (client_secret)")).ToHaveValueAsync(enterprise.Secret);

        await page.GotoAsync("/admin/operations?endpoint=admin/reveal-key");
        var rows = page.GetByRole(AriaRole.Table).GetByRole(AriaRole.Row);
        await Assertions.Expect(rows).ToHaveCountAsync(3);
        var cells = rows.Nth(1).GetByRole(AriaRole.Cell);
        await Assertions.Expect(cells.Nth(1)).ToHaveTextAsync("Console");
        await Assertions.Expect(cells.Nth(2)).ToHaveTextAsync("127.0.0.1");
        await Assertions.Expect(cells.Nth(3)).ToHaveTextAsync("admin/reveal-key");
        await Assertions.Expect(cells.Nth(4)).ToHaveTextAsync("0");
        await Assertions.Expect(rows.Nth(2).GetByRole(AriaRole.Cell).Nth(4)).ToHaveTextAsync("1100 invalid_client");
    }

    [Fact]
    public async Task RegeneratingTheKeyRefusesATokenIssuedBeforeAtOnce()
    {
        var enterprise = await browser.App.CreateEnterpriseAsync();
        (await enterprise.PostAsync("/openapi/user/get", ("alias", enterprise.Address("nobody")))).AssertError("1301", "user_not_found");
        var page = await browser.SignedInPageAsync(enterprise);
        await page.GotoAsync("/admin/protocol");

        var regenerate = page.Form("Regenerate the interface key");
        await regenerate.GetByLabel("Your administrator password").FillAsync(enterprise.AdminPassword);
        await regenerate.GetByRole(AriaRole.Button, new() { Name = "Regenerate the key" }).ClickAsync();
        await Assertions.Expect(page.Form("Regenerate the interface key").GetByText("Tick the box to confirm.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Interface key (client_secret)")).ToHaveCountAsync(0);

        regenerate = page.Form("Regenerate the interface key");
        await regenerate.GetByLabel("I understand that every current token stops working").CheckAsync();
        await regenerate.GetByLabel("Your administrator password").FillAsync(enterprise.AdminPassword);
        await regenerate.GetByRole(AriaRole.Button, new() { Name = "Regenerate the key" }).ClickAsync();
        var newKey = await page.GetByLabel("Interface key (client_secret)").InputValueAsync();
        Assert.Matches("^[0-9a-f]{32}$", newKey);
        Assert.NotEqual(enterprise.Secret, newKey);

        (await enterprise.PostAsync("/openapi/user/get", ("alias", enterprise.Address("nobody")))).AssertError("1200", "invalid_token");
        var oldKey = await browser.App.Client.GetAsync($"/cgi-bin/token?grant_type=client_credentials&client_id={enterprise.ClientId}&client_secret={enterprise.Secret}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, oldKey.StatusCode);
        var token = await TokenAsync(enterprise.ClientId, newKey);
        (await UserGetAsync(token, enterprise.Address("nobody"))).AssertError("1301", "user_not_found");
    }

    [Fact]
    public async Task SwitchingTheProtocolOffRefusesCallsAndOnLetsNewTokensIn()
    {
        var enterprise = await browser.App.CreateEnterpriseAsync();
        var page = await browser.SignedInPageAsync(enterprise);
        await page.GotoAsync("/admin/protocol");
        await Assertions.Expect(page.GetByText("On", new() { Exact = true })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Switch the open protocol off" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("The open protocol is off; every token is void.");
        await Assertions.Expect(page.GetByText("Off", new() { Exact = true })).ToBeVisibleAsync();
        (await enterprise.PostAsync("/openapi/user/get", ("alias", enterprise.Address("nobody")))).AssertError("1201", "api_disabled");

        await page.GetByRole(AriaRole.Button, new() { Name = "Switch the open protocol on" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("The open protocol is on.");
        (await enterprise.PostAsync("/openapi/user/get", ("alias", enterprise.Address("nobody")))).AssertError("1200", "invalid_token");
        var token = await TokenAsync(enterprise.ClientId, enterprise.Secret);
        (await UserGetAsync(token, enterprise.Address("nobody"))).AssertError("1301", "user_not_found");
    }

    [Fact]
    public async Task SwitchingTheProtocolOffAnswersAHeldListen()
    {
        var enterprise = await browser.App.CreateEnterpriseAsync();
        var ct = TestContext.Current.CancellationToken;
        var list = await enterprise.PostAsync("/openapi/user/list", ("Ver", "0"));
        var version = list.Json.GetProperty("Ver").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var holding = System.Diagnostics.Stopwatch.StartNew();
        var held = enterprise.PostAsync("/openapi/listen", ("Ver", version));
        var clientKey = browser.App.Get<ClientRegistry>().ByClientId(enterprise.ClientId)!.Key;
        await Eventually.HoldsAsync(
            () => Task.FromResult(browser.App.Get<ListenHub>().StatusOf(clientKey).Held == 1),
            "the listen is held");

        var page = await browser.SignedInPageAsync(enterprise);
        await page.GotoAsync("/admin/protocol");
        await page.GetByRole(AriaRole.Button, new() { Name = "Switch the open protocol off" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("The open protocol is off; every token is void.");

        var answer = await held.WaitAsync(TimeSpan.FromSeconds(10), ct);
        Assert.Equal(0, answer.Json.GetProperty("Ret").GetInt32());

        // Answered by the switch, not by the end of the 25 s hold.
        Assert.True(holding.Elapsed < TimeSpan.FromSeconds(20), $"answered after {holding.Elapsed}");
    }

    [Fact]
    public async Task AccessSettingsAreValidatedNextToTheFieldAndThenApplied()
    {
        var enterprise = await browser.App.CreateEnterpriseAsync();
        var page = await browser.SignedInPageAsync(enterprise);
        await page.GotoAsync("/admin/protocol");

        var allowed = page.GetByLabel("Allowed client addresses");
        await allowed.FillAsync("10.0.0.0/8\nnot-an-address");
        await page.Form("Access").GetByRole(AriaRole.Button, new() { Name = "Save access settings" }).ClickAsync();
        allowed = page.GetByLabel("Allowed client addresses");
        await Assertions.Expect(allowed).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(allowed).ToHaveAccessibleDescriptionAsync(new System.Text.RegularExpressions.Regex("'not-an-address' is not an IP address or CIDR range\\."));
        await Assertions.Expect(allowed).ToHaveValueAsync("10.0.0.0/8\nnot-an-address");

        await allowed.FillAsync("10.0.0.0/8\n192.0.2.7");
        await page.GetByLabel("Rate limit (requests per second)").FillAsync("25");
        await page.Form("Access").GetByRole(AriaRole.Button, new() { Name = "Save access settings" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("The access settings are saved.");
        await Assertions.Expect(page.GetByLabel("Allowed client addresses")).ToHaveValueAsync("10.0.0.0/8\n192.0.2.7/32");
        await Assertions.Expect(page.GetByLabel("Rate limit (requests per second)")).ToHaveValueAsync("25");

        // The tests call from 127.0.0.1, which the list no longer allows.
        (await enterprise.PostAsync("/openapi/user/get", ("alias", enterprise.Address("nobody")))).AssertError("1202", "ip_freq_block");
    }

    [Fact]
    public async Task ThePageIsInChineseWithTheSameFlows()
    {
        var enterprise = await browser.App.CreateEnterpriseAsync();
        var page = await browser.SignedInPageAsync(enterprise, "zh-CN");
        await page.GetByRole(AriaRole.Link, new() { Name = "开放协议" }).First.ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("开放协议");
        await Assertions.Expect(page.GetByText("已开启", new() { Exact = true })).ToBeVisibleAsync();
        var reveal = page.Form("查看接口密钥");
        await reveal.GetByLabel("管理员密码").FillAsync(enterprise.AdminPassword);
        await reveal.GetByRole(AriaRole.Button, new() { Name = "显示密钥" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("接口密钥（client_secret）")).ToHaveValueAsync(enterprise.Secret);

        await page.GetByLabel("允许的客户端地址").FillAsync("300.1.1.1");
        await page.Form("访问控制").GetByRole(AriaRole.Button, new() { Name = "保存访问设置" }).ClickAsync();
        await Assertions.Expect(page.Form("访问控制").GetByText("“300.1.1.1”不是有效的 IP 地址或 CIDR 网段。")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "关闭开放协议" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("开放协议已关闭，所有 token 均已失效。");
        (await enterprise.PostAsync("/openapi/user/get", ("alias", enterprise.Address("nobody")))).AssertError("1201", "api_disabled");
    }

    private async Task<string> TokenAsync(string clientId, string secret)
    {
        var response = await browser.App.Client.GetAsync(
            $"/cgi-bin/token?grant_type=client_credentials&client_id={Uri.EscapeDataString(clientId)}&client_secret={secret}",
            TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    private Task<ApiResponse> UserGetAsync(string token, string alias) =>
        ApiResponse.SendAsync(browser.App.Client, new HttpRequestMessage(HttpMethod.Post, "/openapi/user/get")
        {
            Content = new FormUrlEncodedContent([KeyValuePair.Create("alias", alias), KeyValuePair.Create("access_token", token)]),
        });
}
