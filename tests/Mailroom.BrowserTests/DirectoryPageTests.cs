using System.Text.Json;
using Mailroom.IntegrationTests;
using Microsoft.Playwright;

namespace Mailroom.BrowserTests;

/// <summary>/admin/directory, /admin/member, /admin/groups: every change through the directory services.</summary>
public sealed class DirectoryPageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task DepartmentsAreCreatedRenamedMovedAndDeletedFromTheTree()
    {
        var enterprise = await browser.App.CreateEnterpriseAsync();
        var page = await browser.SignedInPageAsync(enterprise);
        page.Dialog += (_, dialog) => _ = dialog.AcceptAsync();
        await page.GotoAsync("/admin/directory");

        await page.Form("New sub-department").GetByLabel("Department name").FillAsync("研发部");
        await page.Form("New sub-department").GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("The department 研发部 exists.");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 2, Name = "研发部" })).ToBeVisibleAsync();
        await page.Form("New sub-department").GetByLabel("Department name").FillAsync("后端");
        await page.Form("New sub-department").GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();

        var tree = page.GetByRole(AriaRole.Navigation, new() { Name = "Departments" });
        await Assertions.Expect(tree.GetByRole(AriaRole.Link, new() { Name = "后端" })).ToHaveAttributeAsync("aria-current", "page");
        await page.Form("Rename or move").GetByLabel("New path").FillAsync("平台/服务端");
        await page.Form("Rename or move").GetByRole(AriaRole.Button, new() { Name = "Rename or move" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("研发部/后端 is now 平台/服务端.");
        Assert.Equal("服务端", (await enterprise.PostAsync("/openapi/party/list", ("PartyPath", "平台"))).Json.GetProperty("List")[0].GetProperty("Value").GetString());

        // A refused change shows the service's reason.
        await tree.GetByRole(AriaRole.Link, new() { Name = "平台" }).ClickAsync();
        await page.Form("Delete this department").GetByRole(AriaRole.Button, new() { Name = "Delete the department" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The department still has sub-departments or members.");

        await tree.GetByRole(AriaRole.Link, new() { Name = "服务端" }).ClickAsync();
        await page.Form("Delete this department").GetByRole(AriaRole.Button, new() { Name = "Delete the department" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("The department 平台/服务端 is deleted.");
        var list = await enterprise.PostAsync("/openapi/party/list", ("PartyPath", "平台"));
        Assert.Equal(0, list.Json.GetProperty("Count").GetInt32());
    }

    [Fact]
    public async Task AMemberIsCreatedEditedDisabledAndDeletedLikeOverTheApi()
    {
        var enterprise = await browser.App.CreateEnterpriseAsync();
        (await enterprise.PostAsync("/openapi/party/sync", ("Action", "2"), ("DstPath", "市场部"))).AssertEmptySuccess();
        var version = (await enterprise.PostAsync("/openapi/user/list", ("Ver", "0"))).Json.GetProperty("Ver").GetInt64();
        var bob = enterprise.Address("bob");
        var page = await browser.SignedInPageAsync(enterprise);

        await page.GotoAsync("/admin/directory?path=" + Uri.EscapeDataString("市场部"));
        await page.GetByRole(AriaRole.Link, new() { Name = "Add a member here" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Departments")).ToHaveValueAsync("市场部");
        await page.GetByLabel("Address").FillAsync(bob);
        await page.GetByLabel("Name").FillAsync("鲍勃");
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync("Bob-pass-1");
        await page.GetByLabel("Gender").SelectOptionAsync("1");
        await page.GetByLabel("Position").FillAsync("工程师");
        await page.GetByLabel("Aliases").FillAsync(enterprise.Address("bb"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Add the member" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"{bob} is added.");

        var profile = (await enterprise.PostAsync("/openapi/user/get", ("alias", enterprise.Address("bb")))).Json;
        Assert.Equal(bob, profile.GetProperty("Alias").GetString());
        Assert.Equal("鲍勃", profile.GetProperty("Name").GetString());
        Assert.Equal(1, profile.GetProperty("Gender").GetInt32());
        Assert.Equal("市场部", profile.GetProperty("PartyList").GetProperty("List")[0].GetProperty("Value").GetString());
        var changes = (await enterprise.PostAsync("/openapi/user/list", ("Ver", version.ToString(System.Globalization.CultureInfo.InvariantCulture)))).Json;
        Assert.Equal(2, changes.GetProperty("List")[0].GetProperty("Action").GetInt32());

        await page.GetByLabel("Position").FillAsync("经理");
        await page.GetByLabel("Departments").FillAsync("");
        await page.GetByLabel("Aliases").FillAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("The member is saved.");
        profile = (await enterprise.PostAsync("/openapi/user/get", ("alias", bob))).Json;
        Assert.Equal("经理", profile.GetProperty("Position").GetString());
        Assert.Equal("", profile.GetProperty("SlaveList").GetString());
        Assert.Equal(0, profile.GetProperty("PartyList").GetProperty("Count").GetInt32());

        await page.GetByRole(AriaRole.Button, new() { Name = "Disable the account" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("The account is disabled.");
        Assert.Equal(2, (await enterprise.PostAsync("/openapi/user/get", ("alias", bob))).Json.GetProperty("OpenType").GetInt32());
        await page.GetByRole(AriaRole.Button, new() { Name = "Enable the account" }).ClickAsync();
        Assert.Equal(1, (await enterprise.PostAsync("/openapi/user/get", ("alias", bob))).Json.GetProperty("OpenType").GetInt32());

        await page.GetByRole(AriaRole.Button, new() { Name = "Require a second factor" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Definition).Filter(new() { HasText = "Required at password login" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Tick the box to confirm the deletion.");
        await page.GetByLabel($"Delete {bob} and free the address").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"{bob} is deleted.");
        (await enterprise.PostAsync("/openapi/user/get", ("alias", bob))).AssertError("1301", "user_not_found");

        var operations = await ConsoleUserSyncsAsync(page);
        Assert.Equal(5, operations);
    }

    [Fact]
    public async Task ServiceRefusalsAreShownInThePagesLanguage()
    {
        var enterprise = await browser.App.CreateEnterpriseAsync();
        var page = await browser.SignedInPageAsync(enterprise, "zh-CN");
        await page.GotoAsync("/admin/members/new");

        await page.GetByLabel("邮箱地址").FillAsync("someone@elsewhere.example");
        await page.GetByLabel("姓名").FillAsync("某人");
        await page.GetByLabel("密码", new() { Exact = true }).FillAsync("Some-pass-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "添加成员" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Alias 不是本企业域名下的邮件地址。");
        await Assertions.Expect(page.GetByLabel("姓名")).ToHaveValueAsync("某人");
    }

    [Fact]
    public async Task GroupsAreCreatedAndEditedAndSearchFindsMembersAndGroups()
    {
        var enterprise = await browser.App.CreateEnterpriseAsync();
        foreach (var (local, name) in new[] { ("ann", "Ann Lee"), ("ben", "Ben Wu"), ("cat", "陈猫") })
        {
            (await enterprise.PostAsync("/openapi/user/sync", ("Action", "2"), ("Alias", enterprise.Address(local)), ("Name", name), ("Password", "Secret-123"))).AssertEmptySuccess();
        }

        var page = await browser.SignedInPageAsync(enterprise);
        await page.GotoAsync("/admin/groups");
        await Assertions.Expect(page.GetByText("No mail groups yet.")).ToBeVisibleAsync();
        var create = page.Form("New mail group");
        await create.GetByLabel("Group name").FillAsync("Sales");
        await create.GetByLabel("Group address").FillAsync(enterprise.Address("sales"));
        await create.GetByLabel("Who may send").SelectOptionAsync("list");
        await create.GetByLabel("Members").FillAsync($"{enterprise.Address("ann")}\n{enterprise.Address("ben")}");
        await create.GetByRole(AriaRole.Button, new() { Name = "Create the group" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"The group {enterprise.Address("sales")} is created.");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Members (2)" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = $"Remove {enterprise.Address("ben")} from the group" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Members (1)" })).ToBeVisibleAsync();
        await page.Form("Add members").GetByLabel("Addresses").FillAsync(enterprise.Address("cat"));
        await page.Form("Add members").GetByRole(AriaRole.Button, new() { Name = "Add" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Members (2)" })).ToBeVisibleAsync();

        await page.Form("Add to the allow list").GetByLabel("Addresses").FillAsync(enterprise.Address("nobody"));
        await page.Form("Add to the allow list").GetByRole(AriaRole.Button, new() { Name = "Add" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync(enterprise.Address("nobody"));
        await page.Form("Add to the allow list").GetByLabel("Addresses").FillAsync(enterprise.Address("ann"));
        await page.Form("Add to the allow list").GetByRole(AriaRole.Button, new() { Name = "Add" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Allow list (1)" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = $"Remove {enterprise.Address("ann")} from the allow list" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The allow list cannot be emptied.");

        await page.GotoAsync("/admin/directory?q=" + Uri.EscapeDataString("猫"));
        await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "Members found" }).GetByRole(AriaRole.Link)).ToHaveTextAsync([enterprise.Address("cat")]);
        await page.GetByLabel("Address or name").FillAsync("sal");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = enterprise.Address("sales") })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = enterprise.Address("sales") }).ClickAsync();
        await page.GetByLabel($"Delete {enterprise.Address("sales")} with its member list").CheckAsync();
        await page.Form("Delete the group").GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"The group {enterprise.Address("sales")} is deleted.");
        (await enterprise.PostAsync("/openapi/group/delete", ("group_alias", enterprise.Address("sales")))).AssertError("1501", "group_not_found");
    }

    private static async Task<int> ConsoleUserSyncsAsync(IPage page)
    {
        await page.GotoAsync("/admin/operations?source=console&endpoint=user/sync&result=ok");
        return await page.GetByRole(AriaRole.Table).Locator("tbody tr").CountAsync();
    }
}
