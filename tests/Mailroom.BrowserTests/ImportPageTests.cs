using System.Globalization;
using System.Text;
using Mailroom.IntegrationTests;
using Microsoft.Playwright;

namespace Mailroom.BrowserTests;

/// <summary>/admin/import: a CSV org chart, checked row by row, then applied all or nothing.</summary>
public sealed class ImportPageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task AThousandMembersAreCheckedImportedAndListedByUserList()
    {
        var enterprise = await browser.App.CreateEnterpriseAsync();
        var csv = new StringBuilder("address,name,password,departments,position,mobile\r\n");
        var expected = new List<string>();
        for (var i = 0; i < 1000; i++)
        {
            var address = enterprise.Address($"user{i:D4}");
            expected.Add(address);
            csv.Append(CultureInfo.InvariantCulture, $"{address},成员{i},Secret-{i:D4},部门{i % 10}/组{i % 3},\"Engineer, L{i % 5}\",138{i:D8}\r\n");
        }

        var page = await browser.SignedInPageAsync(enterprise);
        await page.GotoAsync("/admin/import");
        await page.GetByLabel("CSV file").SetInputFilesAsync(new FilePayload { Name = "org.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv.ToString()) });
        await page.GetByRole(AriaRole.Button, new() { Name = "Check the file" }).ClickAsync();

        await Assertions.Expect(page.GetByText("Every row is valid: 1000 new, 0 to update.")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        (await enterprise.PostAsync("/openapi/user/check", ("email", expected[0]))).Json.GetProperty("List")[0].GetProperty("Type").GetInt32().Equals(0);
        Assert.Equal(0, (await enterprise.PostAsync("/openapi/user/list", ("Ver", "0"))).Json.GetProperty("Count").GetInt32());

        await page.GetByRole(AriaRole.Button, new() { Name = "Import the members" }).ClickAsync();
        await Assertions.Expect(page.GetByText("1000 added, 0 updated.")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        var progress = await page.APIRequest.GetAsync(page.Url + "?handler=progress");
        Assert.Equal("""{"state":"applied","processed":1000,"total":1000}""", await progress.TextAsync());

        var list = (await enterprise.PostAsync("/openapi/user/list", ("Ver", "0"))).Json;
        Assert.Equal(1000, list.GetProperty("Count").GetInt32());
        Assert.Equal(expected.Order(StringComparer.Ordinal), list.GetProperty("List").EnumerateArray().Select(e => e.GetProperty("Alias").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(list.GetProperty("List").EnumerateArray(), e => Assert.Equal(2, e.GetProperty("Action").GetInt32()));
        var profile = (await enterprise.PostAsync("/openapi/user/get", ("alias", enterprise.Address("user0007")))).Json;
        Assert.Equal("成员7", profile.GetProperty("Name").GetString());
        Assert.Equal("Engineer, L2", profile.GetProperty("Position").GetString());
        Assert.Equal("部门7/组1", profile.GetProperty("PartyList").GetProperty("List")[0].GetProperty("Value").GetString());
        Assert.Equal(10, (await enterprise.PostAsync("/openapi/party/list", ("PartyPath", ""))).Json.GetProperty("Count").GetInt32());

        // Each row is a console user/sync in the log, plus one line for the whole file.
        await page.GotoAsync("/admin/operations?source=console&endpoint=user/sync");
        await Assertions.Expect(page.GetByText("1000 entries match.")).ToBeVisibleAsync();
        await page.GotoAsync("/admin/operations?endpoint=admin/import");
        await Assertions.Expect(page.GetByText("1 entries match.")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task AFileWithABadRowIsReportedRowByRowAndChangesNothing()
    {
        var enterprise = await browser.App.CreateEnterpriseAsync();
        (await enterprise.PostAsync("/openapi/user/sync", ("Action", "2"), ("Alias", enterprise.Address("old")), ("Name", "Old"), ("Password", "Secret-123"))).AssertEmptySuccess();
        var version = (await enterprise.PostAsync("/openapi/user/list", ("Ver", "0"))).Json.GetProperty("Ver").GetInt64();
        var csv = $"""
            邮箱,姓名,密码,部门
            {enterprise.Address("new")},新人,Secret-123,新部门
            {enterprise.Address("old")},老人改名,,
            someone@elsewhere.example,外人,Secret-123,
            {enterprise.Address("nopass")},没密码,,
            {enterprise.Address("NEW")},重复,Secret-123,
            """;

        var page = await browser.SignedInPageAsync(enterprise, "zh-CN");
        await page.GotoAsync("/admin/import");
        await page.GetByLabel("CSV 文件").SetInputFilesAsync(new FilePayload { Name = "org.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv) });
        await page.GetByRole(AriaRole.Button, new() { Name = "检查文件" }).ClickAsync();

        await Assertions.Expect(page.GetByText("3 行有错误，请修改文件后重新上传。")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        var errors = page.GetByRole(AriaRole.Table, new() { Name = "有错误的行" }).Locator("tbody tr");
        await Assertions.Expect(errors).ToHaveCountAsync(3);
        await Assertions.Expect(errors.Nth(0)).ToContainTextAsync("4");
        await Assertions.Expect(errors.Nth(0)).ToContainTextAsync("Alias 不是本企业域名下的邮件地址。");
        await Assertions.Expect(errors.Nth(1)).ToContainTextAsync("缺少参数 Password。");
        await Assertions.Expect(errors.Nth(2)).ToContainTextAsync("该地址已在第 2 行出现。");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "导入成员" })).ToHaveCountAsync(0);

        await page.GetByText("全部行（5）").ClickAsync();
        var all = page.GetByRole(AriaRole.Table, new() { Name = "报告" }).Locator("tbody tr");
        await Assertions.Expect(all.Nth(0)).ToContainTextAsync("新增");
        await Assertions.Expect(all.Nth(1)).ToContainTextAsync("更新");

        var after = (await enterprise.PostAsync("/openapi/user/list", ("Ver", version.ToString(CultureInfo.InvariantCulture)))).Json;
        Assert.Equal(version, after.GetProperty("Ver").GetInt64());
        Assert.Equal(0, after.GetProperty("Count").GetInt32());
        Assert.Equal(0, (await enterprise.PostAsync("/openapi/party/list", ("PartyPath", ""))).Json.GetProperty("Count").GetInt32());
    }
}
