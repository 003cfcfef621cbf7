using System.Collections.Concurrent;
using System.Security.Cryptography;
using Mailroom.IntegrationTests;
using Microsoft.Playwright;
using MimeKit;

namespace Mailroom.BrowserTests;

/// <summary>
/// A message's page in a real browser: its HTML cannot run anything or fetch anything until the
/// reader asks for web images; inline images come from the message; attachments download; it fits
/// a phone.
/// </summary>
public sealed class WebmailMessageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string Frame = "iframe.message-frame";

    // Controls a screen reader cannot name: no label, no aria-label(ledby), no text.
    private const string UnnamedControls =
        """
        () => [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button, iframe')]
            .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby') && !e.getAttribute('title') && !(e.textContent || '').trim())
            .map(e => e.outerHTML)
        """;

    private MailroomApp App => browser.App;

    [Fact]
    public async Task AScriptInTheMessageRunsNowhere()
    {
        var enterprise = await App.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        var mailId = await enterprise.DeliverAsync(bob, TestMailbox.Html(
            "Totally harmless",
            """
            <html><head><script>console.log('pwned-head'); top.document.title = 'pwned';</script></head>
            <body onload="console.log('pwned-body')">
            <p>Hello from the message</p>
            <script>console.log('pwned-script'); window.pwned = true;</script>
            <img src="x" onerror="console.log('pwned-onerror')" alt="broken image">
            <a href="javascript:console.log('pwned-link')">Click me</a>
            <a href="  jav&#x09;ascript:console.log('pwned-link2')">Or me</a>
            <svg onload="console.log('pwned-svg')"><script>console.log('pwned-svg-script')</script></svg>
            <iframe srcdoc="<script>console.log('pwned-iframe')</script>"></iframe>
            <object data="javascript:console.log('pwned-object')"></object>
            <form action="javascript:console.log('pwned-form')"><button>Submit me</button></form>
            <meta http-equiv="refresh" content="0;url=javascript:console.log('pwned-refresh')">
            </body></html>
            """));
        var page = await browser.NewPageAsync();
        var console = new ConcurrentQueue<string>();
        var dialogs = new ConcurrentQueue<string>();
        page.Console += (_, message) => console.Enqueue(message.Text);
        page.PageError += (_, error) => console.Enqueue(error);
        page.Dialog += (_, dialog) =>
        {
            dialogs.Enqueue(dialog.Message);
            _ = dialog.DismissAsync();
        };
        await page.GotoAsync(enterprise.OneClickLink(bob, await enterprise.AuthKeyAsync(bob), mailId));

        var frame = page.FrameLocator(Frame);
        await Assertions.Expect(frame.GetByText("Hello from the message")).ToBeVisibleAsync();
        await frame.GetByText("Click me").ClickAsync();
        await frame.GetByText("Or me").ClickAsync();
        await Assertions.Expect(frame.GetByText("Submit me")).ToBeVisibleAsync();
        await Assertions.Expect(frame.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        await LoadedAsync(page);

        // The listener hears this page's console: were the message's scripts run, it would hear them too.
        await page.EvaluateAsync("() => console.log('probe from the page')");
        await Eventually.HoldsAsync(() => Task.FromResult(console.Contains("probe from the page")), "the console listener hears the page");
        Assert.DoesNotContain(console, text => text.Contains("pwned", StringComparison.Ordinal));
        Assert.Empty(dialogs);
        Assert.Equal("Totally harmless · Mailroom", await page.TitleAsync());
        Assert.Equal(2, page.Frames.Count);
        Assert.Contains("/body", page.Frames[1].Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WebImagesLoadOnlyAfterTheReaderAsks()
    {
        await using var web = new LoopbackImageServer();
        var enterprise = await App.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        var mailId = await enterprise.DeliverAsync(bob, TestMailbox.Html(
            "Newsletter",
            $"""<p>Our news</p><img src="{web.Url("/pixel.png")}" alt="tracking pixel"><p style="background: url({web.Url("/bg.png")})">styled</p>"""));
        var page = await browser.NewPageAsync();
        await page.GotoAsync(enterprise.OneClickLink(bob, await enterprise.AuthKeyAsync(bob), mailId));

        var frame = page.FrameLocator(Frame);
        await Assertions.Expect(frame.GetByText("Our news")).ToBeVisibleAsync();
        await LoadedAsync(page);
        await Assertions.Expect(page.GetByText("1 image(s) from the web are hidden to protect your privacy.")).ToBeVisibleAsync();
        Assert.Equal(0, web.Requests);
        Assert.Null(await frame.GetByRole(AriaRole.Img, new() { Name = "tracking pixel" }).GetAttributeAsync("src"));

        await page.GetByRole(AriaRole.Link, new() { Name = "Show remote images" }).ClickAsync();

        await Assertions.Expect(frame.GetByRole(AriaRole.Img, new() { Name = "tracking pixel" })).ToHaveAttributeAsync("src", web.Url("/pixel.png"));
        await Eventually.HoldsAsync(() => Task.FromResult(web.Requests >= 1), "the web image was fetched");
        await LoadedAsync(page);
        Assert.Equal(1, web.Requests); // the style's url() never fetches
        await Assertions.Expect(page.GetByText("image(s) from the web are hidden")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task InlineImagesComeFromTheMessageAndAttachmentsDownload()
    {
        var enterprise = await App.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        var report = RandomNumberGenerator.GetBytes(10_000);
        var builder = new BodyBuilder();
        var logo = builder.LinkedResources.Add("logo.png", LoopbackImageServer.Pixel, ContentType.Parse("image/png"));
        logo.ContentId = "logo@mailroom.test";
        builder.HtmlBody = "<p>See the report.</p><img src=\"cid:logo@mailroom.test\" alt=\"company logo\">";
        builder.TextBody = "See the report.";
        builder.Attachments.Add("季度报告.pdf", report, ContentType.Parse("application/pdf"));
        var message = TestMailbox.Html("With attachment", "unused");
        message.Body = builder.ToMessageBody();
        var mailId = await enterprise.DeliverAsync(bob, message);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(enterprise.OneClickLink(bob, await enterprise.AuthKeyAsync(bob), mailId));

        var image = page.FrameLocator(Frame).GetByRole(AriaRole.Img, new() { Name = "company logo" });
        await Assertions.Expect(image).ToHaveAttributeAsync("src", "data:image/png;base64," + Convert.ToBase64String(LoopbackImageServer.Pixel));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Attachments (1)" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("application/pdf, 10 KB")).ToBeVisibleAsync();

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "季度报告.pdf" }).ClickAsync());

        Assert.Equal("季度报告.pdf", download.SuggestedFilename);
        Assert.Equal(report, await File.ReadAllBytesAsync(await download.PathAsync(), TestContext.Current.CancellationToken));

        await page.GetByRole(AriaRole.Link, new() { Name = "Show plain text" }).ClickAsync();
        await Assertions.Expect(page.Locator("pre.message-text")).ToHaveTextAsync("See the report.");
        await Assertions.Expect(page.Locator(Frame)).ToHaveCountAsync(0);
    }

    [Theory]
    [InlineData("en-US")]
    [InlineData("zh-CN")]
    public async Task TheInboxAndAMessageFitAPhoneAndNameEveryControl(string locale)
    {
        var enterprise = await App.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob-with-a-rather-long-address-for-a-phone");
        var builder = new BodyBuilder
        {
            HtmlBody = "<table width=\"640\"><tr><td>A newsletter laid out for a desktop screen, much wider than a phone.</td></tr></table>",
            TextBody = "A newsletter.",
        };
        builder.Attachments.Add("a-very-long-attachment-name-that-goes-on-and-on-and-on-and-on-and-on.pdf", new byte[2048], ContentType.Parse("application/pdf"));
        var message = TestMailbox.Html("A subject line that is far too long to fit on the narrow screen of a phone in one line", "unused");
        message.From.Clear();
        message.From.Add(new MailboxAddress("A sender with a long display name", "sender-with-a-long-address@outside.example"));
        message.Body = builder.ToMessageBody();
        var mailId = await enterprise.DeliverAsync(bob, message);
        await enterprise.DeliverAsync(bob, TestMail.Message("ann@outside.example", bob, "Short", "Hi"));

        var page = await browser.NewPageAsync(locale, width: 375);
        await page.GotoAsync(enterprise.OneClickLink(bob, await enterprise.AuthKeyAsync(bob)));
        await Assertions.Expect(page.Locator(".mail-item")).ToHaveCountAsync(2);
        await AssertFitsAsync(page);

        await page.GotoAsync($"/mail/message/{mailId}");
        await Assertions.Expect(page.Locator(Frame)).ToBeVisibleAsync();
        await AssertFitsAsync(page);
        var frameBox = await page.Locator(Frame).BoundingBoxAsync();
        Assert.True(frameBox is { Width: > 300 and <= 375 }, $"the frame is {frameBox?.Width} px wide");

        await page.GotoAsync("/mail?folder=trash");
        await AssertFitsAsync(page);
        await page.GotoAsync("/mail/message/AAAAAAAAAAAAAAAAAAAAAAAA");
        await AssertFitsAsync(page);
    }

    // The load event of the page and of every frame in it: by then the message's images and scripts
    // have been fetched or refused. Not Playwright's "networkidle": with the message's sandboxed
    // frame it timed out now and then in CI, with nothing left to load.
    private static async Task LoadedAsync(IPage page)
    {
        foreach (var frame in page.Frames)
        {
            await frame.WaitForLoadStateAsync(LoadState.Load);
        }
    }

    private static async Task AssertFitsAsync(IPage page)
    {
        Assert.True(
            await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"),
            $"{page.Url} scrolls sideways at phone width");
        Assert.Empty(await page.EvaluateAsync<string[]>(UnnamedControls));
    }
}
