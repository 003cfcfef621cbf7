using System.Text;
using System.Text.RegularExpressions;
using Mailroom.IntegrationTests;
using Microsoft.Playwright;

namespace Mailroom.BrowserTests;

/// <summary>/admin/operations (操作记录): filters, paging, the detail view and the CSV export.</summary>
public sealed partial class OperationLogPageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task FiltersNarrowTheLogAndTheExportHoldsExactlyTheFilteredEntries()
    {
        var enterprise = await browser.App.CreateEnterpriseAsync();
        var alice = enterprise.Address("alice");
        (await enterprise.PostAsync("/openapi/user/sync", ("Action", "2"), ("Alias", alice), ("Name", "Alice"), ("Password", "Secret-123"))).AssertEmptySuccess();
        (await enterprise.PostAsync("/openapi/user/sync", ("Action", "2"), ("Alias", alice), ("Name", "Alice"), ("Password", "Secret-123"))).AssertError("1302", "user_exists");
        (await enterprise.PostAsync("/openapi/user/sync", ("Action", "3"), ("Alias", enterprise.Address("ghost")), ("Name", "=cmd|' /C calc'!A0"))).AssertError("1301", "user_not_found");
        (await enterprise.PostAsync("/openapi/party/sync", ("Action", "2"), ("DstPath", "研发部"))).AssertEmptySuccess();
        (await enterprise.PostAsync("/openapi/party/sync", ("Action", "1"), ("DstPath", "不存在"))).AssertError("1310", "party_not_found");

        var page = await browser.SignedInPageAsync(enterprise);
        await page.GotoAsync("/admin/operations");
        await page.GetByLabel("Endpoint").FillAsync("user/sync");
        await page.GetByLabel("Result").SelectOptionAsync("error");
        await page.GetByLabel("Source").SelectOptionAsync("api");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter", Exact = true }).ClickAsync();

        await Assertions.Expect(page.GetByText("2 entries match.")).ToBeVisibleAsync();
        var rows = page.GetByRole(AriaRole.Table).GetByRole(AriaRole.Row);
        await Assertions.Expect(rows).ToHaveCountAsync(3);
        await Assertions.Expect(rows.Nth(1).GetByRole(AriaRole.Cell).Nth(4)).ToHaveTextAsync("1301 user_not_found");
        await Assertions.Expect(rows.Nth(2).GetByRole(AriaRole.Cell).Nth(4)).ToHaveTextAsync("1302 user_exists");

        var csv = await ExportAsync(page);
        Assert.Equal(["time", "source", "address", "client_id", "endpoint", "result", "parameters"], csv[0]);
        Assert.Equal(2, csv.Count - 1);
        Assert.Equal(["1301 user_not_found", "1302 user_exists"], csv.Skip(1).Select(r => r[5]));
        Assert.All(csv.Skip(1), r => Assert.Equal(["api", "127.0.0.1", enterprise.ClientId, "user/sync"], r[1..5]));
        Assert.DoesNotContain(csv, r => r[6].Contains("Secret-123", StringComparison.Ordinal));
        Assert.Contains("\"Password\":\"***\"", csv[2][6], StringComparison.Ordinal);

        // One error code; the export keeps a caller's text as it was logged, inside its JSON cell.
        await page.GetByLabel("Error code").FillAsync("1301");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByText("1 entries match.")).ToBeVisibleAsync();
        var one = await ExportAsync(page);
        Assert.Equal(2, one.Count);
        Assert.Contains("=cmd|' /C calc'!A0", one[1][6], StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheExportOfAnUnfilteredLogMatchesTheCountAndEveryPage()
    {
        var enterprise = await browser.App.CreateEnterpriseAsync();
        for (var i = 0; i < 60; i++)
        {
            (await enterprise.PostAsync("/openapi/party/sync", ("Action", "2"), ("DstPath", $"部门{i:D2}"))).AssertEmptySuccess();
        }

        var page = await browser.SignedInPageAsync(enterprise);
        await page.GotoAsync("/admin/operations?endpoint=party/sync");
        await Assertions.Expect(page.GetByText("60 entries match.")).ToBeVisibleAsync();
        var shown = new List<string>();
        shown.AddRange(await ParameterCellsAsync(page));
        await page.GetByRole(AriaRole.Link, new() { Name = "Older" }).ClickAsync();
        shown.AddRange(await ParameterCellsAsync(page));
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Older" })).ToHaveCountAsync(0);

        await page.GetByRole(AriaRole.Link, new() { Name = "Newer" }).ClickAsync();
        Assert.Equal(shown.Take(50), await ParameterCellsAsync(page));

        var csv = await ExportAsync(page);
        Assert.Equal(shown, csv.Skip(1).Select(r => r[6]));
        Assert.Equal(Enumerable.Range(0, 60).Reverse().Select(i => $"{{\"Action\":\"2\",\"DstPath\":\"部门{i:D2}\"}}"), shown);

        // The time range: everything so far is before tomorrow and nothing is after it.
        var tomorrow = DateTimeOffset.UtcNow.AddDays(1).ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        await page.GetByLabel("Before (UTC)").FillAsync(tomorrow);
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByText("60 entries match.")).ToBeVisibleAsync();
        await page.GetByLabel("Before (UTC)").FillAsync("");
        await page.GetByLabel("From (UTC)").FillAsync(tomorrow);
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByText("0 entries match.")).ToBeVisibleAsync();
        Assert.Single(await ExportAsync(page));
    }

    [Fact]
    public async Task ConsoleActionsAreLoggedAndADetailShowsRedactedParameters()
    {
        var enterprise = await browser.App.CreateEnterpriseAsync();
        var page = await browser.SignedInPageAsync(enterprise, "zh-CN");
        await page.GotoAsync("/admin/members/new");
        await page.GetByLabel("邮箱地址").FillAsync(enterprise.Address("carol"));
        await page.GetByLabel("姓名").FillAsync("卡罗尔");
        await page.GetByLabel("密码", new() { Exact = true }).FillAsync("Carol-pass-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "添加成员" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"{enterprise.Address("carol")} 已添加。");

        await page.GotoAsync("/admin/operations?source=console&endpoint=user/sync");
        await Assertions.Expect(page.GetByText("共 1 条记录符合条件。")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Table).GetByRole(AriaRole.Link).First.ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("操作详情");
        var parameters = page.GetByRole(AriaRole.Table, new() { Name = "参数" });
        await Assertions.Expect(parameters.GetByRole(AriaRole.Row, new() { Name = "Password" })).ToContainTextAsync("***");
        await Assertions.Expect(parameters.GetByRole(AriaRole.Row, new() { Name = "Alias" })).ToContainTextAsync(enterprise.Address("carol"));
        await Assertions.Expect(page.GetByText("Carol-pass-1")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Definition).Filter(new() { HasText = "管理端" })).ToHaveCountAsync(1);

        // The log also holds the sign-in, from the console.
        await page.GotoAsync("/admin/operations?endpoint=admin/login");
        await Assertions.Expect(page.GetByText("共 1 条记录符合条件。")).ToBeVisibleAsync();
    }

    private static async Task<List<string>> ParameterCellsAsync(IPage page)
    {
        var cells = page.GetByRole(AriaRole.Table).Locator("tbody td.parameters");
        return [.. await cells.AllInnerTextsAsync()];
    }

    private static async Task<List<string[]>> ExportAsync(IPage page)
    {
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Export as CSV" }).ClickAsync());
        var bytes = await File.ReadAllBytesAsync(await download.PathAsync(), TestContext.Current.CancellationToken);
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        Assert.EndsWith(".csv", download.SuggestedFilename, StringComparison.Ordinal);
        return [.. Mailroom.Server.Admin.Csv.CsvReader.Parse(Encoding.UTF8.GetString(bytes)).Select(r => r.Fields.ToArray())];
    }
}
