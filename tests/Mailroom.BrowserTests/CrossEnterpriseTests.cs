using System.Text;
using Mailroom.IntegrationTests;
using Mailroom.Server.Admin;
using Mailroom.Server.Storage;
using Microsoft.Playwright;

namespace Mailroom.BrowserTests;

/// <summary>One enterprise's administrator never sees or changes another's data, whatever ids or addresses it puts in the URL.</summary>
public sealed class CrossEnterpriseTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task AnotherEnterprisesMembersGroupsLogLinesAndImportsAreOutOfReach()
    {
        var mine = await browser.App.CreateEnterpriseAsync();
        var theirs = await browser.App.CreateEnterpriseAsync();
        var bob = theirs.Address("bob");
        (await theirs.PostAsync("/openapi/user/sync", ("Action", "2"), ("Alias", bob), ("Name", "Their Bob"), ("Password", "Secret-123"))).AssertEmptySuccess();
        (await theirs.PostAsync("/openapi/group/add", ("group_name", "Their group"), ("group_admin", theirs.Address("team")), ("status", "all"), ("members", bob))).AssertEmptySuccess();
        (await mine.PostAsync("/openapi/user/sync", ("Action", "2"), ("Alias", mine.Address("amy")), ("Name", "My Amy"), ("Password", "Secret-123"))).AssertEmptySuccess();
        var theirLine = (await browser.App.Get<OperationHistory>().ListAsync(theirs.ClientId, new OperationQuery(Limit: 1), TestContext.Current.CancellationToken)).Value!.Single();

        var theirPage = await browser.SignedInPageAsync(theirs);
        await theirPage.GotoAsync("/admin/import");
        await theirPage.GetByLabel("CSV file").SetInputFilesAsync(new FilePayload { Name = "t.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes($"address,name,password\n{theirs.Address("zed")},Zed,Secret-123\n") });
        await theirPage.GetByRole(AriaRole.Button, new() { Name = "Check the file" }).ClickAsync();
        // The check runs as a job and the page reloads itself when it is done: as long as the import tests wait.
        await Assertions.Expect(theirPage.GetByText("Every row is valid")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        var theirImport = theirPage.Url;

        var page = await browser.SignedInPageAsync(mine);

        var member = await page.GotoAsync("/admin/member?address=" + Uri.EscapeDataString(bob));
        Assert.Equal(404, member!.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Alias is not an email address in a domain of this enterprise.");
        await Assertions.Expect(page.GetByText("Their Bob")).ToHaveCountAsync(0);

        Assert.Equal(404, (await page.GotoAsync("/admin/group?address=" + Uri.EscapeDataString(theirs.Address("team"))))!.Status);
        await Assertions.Expect(page.GetByText("Their group")).ToHaveCountAsync(0);

        Assert.Equal(404, (await page.GotoAsync($"/admin/operations/{theirLine.Seq}"))!.Status);
        await Assertions.Expect(page.GetByText(theirs.ClientId)).ToHaveCountAsync(0);

        var import = await page.GotoAsync(new Uri(theirImport).PathAndQuery);
        Assert.Equal(404, import!.Status);
        Assert.Equal(404, (await page.APIRequest.GetAsync(new Uri(theirImport).PathAndQuery + "?handler=progress")).Status);

        await page.GotoAsync("/admin/directory?q=bob");
        await Assertions.Expect(page.GetByText("Nothing found.")).ToBeVisibleAsync();

        // A form of my own member, sent with their member's address in place of mine.
        await page.GotoAsync("/admin/member?address=" + Uri.EscapeDataString(mine.Address("amy")));
        await page.EvaluateAsync(
            "target => { for (const f of document.querySelectorAll('form[action*=\"handler=status\"], form[action*=\"handler=delete\"]')) { f.action = f.action.replace(/address=[^&]+/, 'address=' + encodeURIComponent(target)); } }",
            bob);
        await page.GetByRole(AriaRole.Button, new() { Name = "Disable the account" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Alias is not an email address in a domain of this enterprise.");
        Assert.Equal(1, (await theirs.PostAsync("/openapi/user/get", ("alias", bob))).Json.GetProperty("OpenType").GetInt32());

        // Nothing of theirs in my export either.
        var csv = await page.APIRequest.GetAsync("/admin/operations/export");
        var text = await csv.TextAsync();
        Assert.DoesNotContain(theirs.ClientId, text, StringComparison.Ordinal);
        Assert.Contains(mine.ClientId, text, StringComparison.Ordinal);
    }
}
