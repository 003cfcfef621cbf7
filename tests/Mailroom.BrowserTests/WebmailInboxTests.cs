using System.Text.RegularExpressions;
using Mailroom.IntegrationTests;
using Mailroom.IntegrationTests.Push;
using Microsoft.Playwright;

namespace Mailroom.BrowserTests;

/// <summary>
/// The inbox in a real browser (PROTOCOL.md §5, §7.4, §7.5): mail taken by SMTP shows up unread,
/// opening it reads it and a listening client hears the new count; paging, marking and deleting.
/// </summary>
public sealed class WebmailInboxTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private MailroomApp App => browser.App;

    [Fact]
    public async Task MailArrivesUnreadAndOpeningItReadsItAndTellsTheListeningClient()
    {
        var enterprise = await App.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        var version = await Listens.CurrentVersionAsync(enterprise);
        using (var held = await Listens.HoldAsync(enterprise, version))
        {
            await Listens.HeldAsync(enterprise, 1);
            await TestMail.SendAsync(App, TestMail.Message("\"Ann Sender\" <ann@outside.example>", bob, "Quarterly figures", "The figures are attached."), "ann@outside.example", bob);
            var arrived = (await held.ReadResponseAsync()).Json;
            Assert.Equal("Quarterly figures", arrived.GetProperty("Subject").GetString());
            Assert.Equal(1, arrived.GetProperty("NewCount").GetInt32());
        }

        var page = await browser.NewPageAsync();
        await page.GotoAsync(enterprise.OneClickLink(bob, await enterprise.AuthKeyAsync(bob)));

        var item = Item(page, "Quarterly figures");
        await Assertions.Expect(item).ToHaveClassAsync(new Regex(@"\bunread\b"));
        await Assertions.Expect(item.GetByRole(AriaRole.Link)).ToContainTextAsync("Unread:");
        await Assertions.Expect(item).ToContainTextAsync("Ann Sender");
        await Assertions.Expect(item).ToContainTextAsync("The figures are attached.");
        await Assertions.Expect(page.Locator("#unread-count")).ToHaveTextAsync("1 unread");

        using var listen = await Listens.HoldAsync(enterprise, version);
        await Listens.HeldAsync(enterprise, 1);
        await item.GetByRole(AriaRole.Link).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Quarterly figures");
        await Assertions.Expect(page.GetByText("Ann Sender <ann@outside.example>")).ToBeVisibleAsync();
        var unread = (await listen.ReadResponseAsync()).Json;
        Assert.Equal(
            new[] { ("UserName", bob), ("NewCount", "0") },
            unread.EnumerateObject().Select(p => (p.Name, p.Value.GetRawText().Trim('"'))).ToArray());
        Assert.Equal(System.Text.Json.JsonValueKind.Number, unread.GetProperty("NewCount").ValueKind);
        Assert.Equal(0, await TestMail.NewCountAsync(enterprise, bob));

        await page.GetByRole(AriaRole.Link, new() { Name = "Back to Inbox" }).ClickAsync();
        await Assertions.Expect(Item(page, "Quarterly figures")).Not.ToHaveClassAsync(new Regex(@"\bunread\b"));
        await Assertions.Expect(page.Locator("#unread-count")).ToHaveTextAsync("No unread messages");
    }

    [Fact]
    public async Task AOneClickLinkWithAMailIdOpensThatMessage()
    {
        var enterprise = await App.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        var mailId = await enterprise.DeliverAsync(bob, TestMail.Message("ann@outside.example", bob, "Straight to it", "Hello"));
        var page = await browser.NewPageAsync();

        await page.GotoAsync(enterprise.OneClickLink(bob, await enterprise.AuthKeyAsync(bob), mailId));

        Assert.EndsWith($"/mail/message/{mailId}", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Straight to it");
        Assert.Equal(0, await TestMail.NewCountAsync(enterprise, bob));
    }

    [Fact]
    public async Task TheInboxPagesThroughMoreThanAPageNewestFirst()
    {
        var enterprise = await App.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        using (var smtp = await TestMail.ConnectAsync(App))
        {
            for (var i = 1; i <= 27; i++)
            {
                await smtp.SendAsync(TestMail.Message("ann@outside.example", bob, $"Message {i:00}", $"Body {i}"), TestContext.Current.CancellationToken);
            }

            await smtp.DisconnectAsync(quit: true, TestContext.Current.CancellationToken);
        }

        var page = await browser.NewPageAsync();
        await page.GotoAsync(enterprise.OneClickLink(bob, await enterprise.AuthKeyAsync(bob)));

        var subjects = page.Locator(".mail-subject");
        await Assertions.Expect(subjects).ToHaveCountAsync(25);
        await Assertions.Expect(subjects.First).ToContainTextAsync("Message 27");
        await Assertions.Expect(subjects.Last).ToContainTextAsync("Message 03");
        await Assertions.Expect(page.GetByText("Page 1 of 2")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Previous page" })).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#unread-count")).ToHaveTextAsync("27 unread");

        await page.GetByRole(AriaRole.Link, new() { Name = "Next page" }).ClickAsync();

        await Assertions.Expect(page.GetByText("Page 2 of 2")).ToBeVisibleAsync();
        await Assertions.Expect(subjects).ToHaveCountAsync(2);
        await Assertions.Expect(subjects.First).ToContainTextAsync("Message 02");
        await Assertions.Expect(subjects.Last).ToContainTextAsync("Message 01");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Next page" })).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Link, new() { Name = "Previous page" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Page 1 of 2")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task MarkingAndDeletingUpdateTheListAndTheNewCount()
    {
        var enterprise = await App.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        await enterprise.DeliverAsync(bob, TestMail.Message("ann@outside.example", bob, "First note", "One"));
        await enterprise.DeliverAsync(bob, TestMail.Message("ann@outside.example", bob, "Second note", "Two"));
        var page = await browser.NewPageAsync();
        await page.GotoAsync(enterprise.OneClickLink(bob, await enterprise.AuthKeyAsync(bob)));
        await Assertions.Expect(page.Locator("#unread-count")).ToHaveTextAsync("2 unread");

        await page.GetByLabel("Select message: First note").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Mark as read" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Marked 1 message(s) as read.");
        await Assertions.Expect(page.Locator("#unread-count")).ToHaveTextAsync("1 unread");
        await Assertions.Expect(Item(page, "First note")).Not.ToHaveClassAsync(new Regex(@"\bunread\b"));
        Assert.Equal(1, await TestMail.NewCountAsync(enterprise, bob));

        // Unread again, from the message page.
        await Item(page, "First note").GetByRole(AriaRole.Link).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Mark as unread" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Marked “First note” as unread.");
        await Assertions.Expect(Item(page, "First note")).ToHaveClassAsync(new Regex(@"\bunread\b"));
        await Assertions.Expect(page.Locator("#unread-count")).ToHaveTextAsync("2 unread");
        Assert.Equal(2, await TestMail.NewCountAsync(enterprise, bob));

        // Both selected, to the trash.
        await page.GetByLabel("Select message: First note").CheckAsync();
        await page.GetByLabel("Select message: Second note").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Moved 2 message(s) to Trash.");
        await Assertions.Expect(page.GetByText("Your inbox is empty.")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#unread-count")).ToHaveTextAsync("No unread messages");
        Assert.Equal(0, await TestMail.NewCountAsync(enterprise, bob));

        await page.GetByRole(AriaRole.Link, new() { Name = "Trash" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Trash");
        await Assertions.Expect(page.Locator(".mail-subject")).ToHaveCountAsync(2);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Delete" })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task DeletingFromTheMessagePageMovesItToTheTrash()
    {
        var enterprise = await App.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        var mailId = await enterprise.DeliverAsync(bob, TestMail.Message("ann@outside.example", bob, "Old news", "Bye"));
        var page = await browser.NewPageAsync();
        await page.GotoAsync(enterprise.OneClickLink(bob, await enterprise.AuthKeyAsync(bob), mailId));

        await page.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Moved “Old news” to Trash.");
        await Assertions.Expect(page.GetByText("Your inbox is empty.")).ToBeVisibleAsync();
        await page.GotoAsync("/mail?folder=trash");
        await Assertions.Expect(Item(page, "Old news")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task ThePagesSpeakChinese()
    {
        var enterprise = await App.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        var other = await enterprise.AddWebmailMemberAsync("other");
        var othersMail = await enterprise.DeliverAsync(other, TestMail.Message("ann@outside.example", other, "Not yours", "x"));
        var mailId = await enterprise.DeliverAsync(bob, TestMail.Message("ann@outside.example", bob, "季度报告", "正文"));
        var page = await browser.NewPageAsync("zh-CN");
        await page.GotoAsync(enterprise.OneClickLink(bob, await enterprise.AuthKeyAsync(bob)));

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("收件箱");
        await Assertions.Expect(page.Locator("#unread-count")).ToHaveTextAsync("1 封未读");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "标为已读" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "删除" })).ToBeVisibleAsync();
        await Assertions.Expect(Item(page, "季度报告").GetByRole(AriaRole.Link)).ToContainTextAsync("未读：");

        await Item(page, "季度报告").GetByRole(AriaRole.Link).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("季度报告");
        await Assertions.Expect(page.GetByRole(AriaRole.Term).First).ToHaveTextAsync("发件人");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "标为未读" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "返回收件箱" })).ToBeVisibleAsync();

        var missing = await page.GotoAsync($"/mail/message/{othersMail}");
        Assert.Equal(404, missing!.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("找不到邮件");
        await Assertions.Expect(page.GetByText("Not yours")).ToHaveCountAsync(0);

        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Message not found");
        await page.GotoAsync($"/mail/message/{mailId}");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Mark as unread" })).ToBeVisibleAsync();
    }

    private static ILocator Item(IPage page, string subject) =>
        page.Locator(".mail-item").Filter(new() { Has = page.Locator(".mail-subject", new() { HasText = subject }) });
}
