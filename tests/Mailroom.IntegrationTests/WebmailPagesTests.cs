using System.Net;
using System.Text;
using Mailroom.Server.Mail;
using Mailroom.Server.Webmail;
using MimeKit;

namespace Mailroom.IntegrationTests;

/// <summary>
/// The webmail pages without a browser (PROTOCOL.md §7.5): who may see what, anti-forgery, the
/// headers that fence the message HTML and the downloads.
/// </summary>
public sealed class WebmailPagesTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly MailroomApp _app = fixture.App;

    [Theory]
    [InlineData("/mail")]
    [InlineData("/mail?folder=trash&p=2")]
    [InlineData("/mail/message/{0}")]
    [InlineData("/mail/message/{0}/body")]
    [InlineData("/mail/message/{0}/attachment/0")]
    [InlineData("/mail/message/{0}/source")]
    public async Task AnAnonymousBrowserIsSentToSignIn(string path)
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        var mailId = await enterprise.DeliverAsync(bob, WithAttachment(TestMailbox.Html("Anonymous", "<p>x</p>")));
        using var anonymous = WebmailClient.For(_app);

        var answer = await anonymous.GetAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, path, mailId));

        Assert.Equal(HttpStatusCode.Found, answer.Status);
        Assert.StartsWith("/mail/login?returnUrl=", new Uri(new Uri("http://x"), answer.Location).PathAndQuery, StringComparison.Ordinal);
        Assert.DoesNotContain("Anonymous", answer.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnotherMembersMessageIsNotFoundAndStaysAsItWas()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        var alice = await enterprise.AddWebmailMemberAsync("alice");
        var bobsMail = await enterprise.DeliverAsync(bob, WithAttachment(TestMailbox.Html("For Bob only", "<p>secret body</p>")));
        using var browser = await WebmailSessionTests.SignedInAsync(enterprise, alice);

        var page = await browser.GetAsync($"/mail/message/{bobsMail}");
        Assert.Equal(HttpStatusCode.NotFound, page.Status);
        Assert.Contains("<h1>Message not found</h1>", page.Body, StringComparison.Ordinal);
        Assert.Contains("<main id=\"main\">", page.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("For Bob only", page.Body, StringComparison.Ordinal);
        foreach (var part in new[] { "body", "attachment/0", "source" })
        {
            var answer = await browser.GetAsync($"/mail/message/{bobsMail}/{part}");
            Assert.Equal(HttpStatusCode.NotFound, answer.Status);
            Assert.DoesNotContain("secret", answer.Body, StringComparison.Ordinal);
        }

        var token = await browser.AntiForgeryTokenAsync("/mail");
        foreach (var handler in new[] { "unread", "delete" })
        {
            var posted = await browser.PostFormAsync($"/mail/message/{bobsMail}?handler={handler}", ("__RequestVerificationToken", token));
            Assert.Equal(HttpStatusCode.NotFound, posted.Status);
        }

        var listed = await browser.PostFormAsync("/mail", ("act", "delete"), ("ids", bobsMail), ("__RequestVerificationToken", token));
        Assert.Equal(HttpStatusCode.Found, listed.Status);
        Assert.Equal(1, await TestMail.NewCountAsync(enterprise, bob));
        var row = await _app.Get<MailService>().FindAsync(await TestMailbox.MemberIdAsync(enterprise, bob), bobsMail, TestContext.Current.CancellationToken);
        Assert.Equal(("inbox", false), (row!.Folder, row.Seen));
    }

    [Theory]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("not-a-mail-id")]
    [InlineData("..%2F..%2Fetc")]
    public async Task AnUnknownMailIdIsTheNotFoundPage(string mailId)
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        using var browser = await WebmailSessionTests.SignedInAsync(enterprise, bob);

        var page = await browser.GetAsync($"/mail/message/{mailId}");

        Assert.Equal(HttpStatusCode.NotFound, page.Status);
        Assert.Contains("Message not found", page.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FormsWithoutTheAntiForgeryTokenAreRefused()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        var mailId = await enterprise.DeliverAsync(bob, TestMail.Message("x@outside.example", bob, "Forged", "Hello"));
        using var browser = await WebmailSessionTests.SignedInAsync(enterprise, bob);

        var list = await browser.PostFormAsync("/mail", ("act", "read"), ("ids", mailId));
        var unread = await browser.PostFormAsync($"/mail/message/{mailId}?handler=delete");
        var wrong = await browser.PostFormAsync("/mail", ("act", "delete"), ("ids", mailId), ("__RequestVerificationToken", "forged"));

        Assert.Equal(HttpStatusCode.BadRequest, list.Status);
        Assert.Equal(HttpStatusCode.BadRequest, unread.Status);
        Assert.Equal(HttpStatusCode.BadRequest, wrong.Status);
        Assert.Equal(1, await TestMail.NewCountAsync(enterprise, bob));
    }

    [Fact]
    public async Task SelectedMessagesAreMarkedAndMovedToTheTrashTogether()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await enterprise.DeliverAsync(bob, TestMail.Message("x@outside.example", bob, $"Bulk {i}", "Hello")));
        }

        using var browser = await WebmailSessionTests.SignedInAsync(enterprise, bob);
        var token = await browser.AntiForgeryTokenAsync("/mail");

        var read = await browser.PostFormAsync("/mail", [("act", "read"), .. ids.Select(id => ("ids", id)), ("__RequestVerificationToken", token)]);
        Assert.Equal(HttpStatusCode.Found, read.Status);
        Assert.Equal(0, await TestMail.NewCountAsync(enterprise, bob));
        var status = await browser.GetAsync(read.Location!);
        Assert.Contains("Marked 3 message(s) as read.", status.Body, StringComparison.Ordinal);

        await browser.PostFormAsync("/mail", ("act", "unread"), ("ids", ids[0]), ("__RequestVerificationToken", token));
        Assert.Equal(1, await TestMail.NewCountAsync(enterprise, bob));

        var deleted = await browser.PostFormAsync("/mail", ("act", "delete"), ("ids", ids[0]), ("ids", ids[1]), ("__RequestVerificationToken", token));
        Assert.Equal("/mail", deleted.Location);
        Assert.Equal(0, await TestMail.NewCountAsync(enterprise, bob));
        var inbox = await browser.GetAsync("/mail");
        var trash = await browser.GetAsync("/mail?folder=trash");
        Assert.Contains("Moved 2 message(s) to Trash.", inbox.Body, StringComparison.Ordinal);
        Assert.Contains("Bulk 2", inbox.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("Bulk 0", inbox.Body, StringComparison.Ordinal);
        Assert.Contains("Bulk 0", trash.Body, StringComparison.Ordinal);
        Assert.Contains("Bulk 1", trash.Body, StringComparison.Ordinal);

        var nothing = await browser.PostFormAsync("/mail", ("act", "read"), ("__RequestVerificationToken", token));
        Assert.Equal(HttpStatusCode.OK, nothing.Status);
        Assert.Contains("Select at least one message first.", nothing.Body, StringComparison.Ordinal);
        var unknown = await browser.PostFormAsync("/mail", ("act", "explode"), ("ids", ids[2]), ("__RequestVerificationToken", token));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
    }

    [Fact]
    public async Task OpeningAMessageReadsItAndShowsItsHeaders()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        var message = TestMail.Message("\"Ann Sender\" <ann@outside.example>", bob, "Quarterly <numbers>", "Line one\nLine <two>");
        message.Cc.Add(MailboxAddress.Parse("carol@outside.example"));
        var mailId = await enterprise.DeliverAsync(bob, message);
        using var browser = await WebmailSessionTests.SignedInAsync(enterprise, bob);

        var page = await browser.GetAsync($"/mail/message/{mailId}");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("no-store", page.Headers["Cache-Control"], StringComparison.Ordinal);
        Assert.Contains("Quarterly &lt;numbers&gt;", page.Body, StringComparison.Ordinal);
        Assert.Contains("Ann Sender &lt;ann@outside.example&gt;", page.Body, StringComparison.Ordinal);
        Assert.Contains("carol@outside.example", page.Body, StringComparison.Ordinal);
        Assert.Contains("Line one\nLine <two>", WebUtility.HtmlDecode(page.Body).ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains($"action=\"/mail/message/{mailId}?handler=unread\"", page.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("<iframe", page.Body, StringComparison.Ordinal);
        Assert.Equal(0, await TestMail.NewCountAsync(enterprise, bob));
    }

    [Fact]
    public async Task TheHtmlBodyHasItsOwnSandboxPolicyAndWebImagesOnlyWhenAsked()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        var mailId = await enterprise.DeliverAsync(bob, TestMailbox.Html(
            "Hostile",
            "<p onclick=\"steal()\">Hi<script>steal()</script><img src=\"https://tracker.example/p.gif\"><a href=\"javascript:steal()\">link</a></p>"));
        using var browser = await WebmailSessionTests.SignedInAsync(enterprise, bob);

        var page = await browser.GetAsync($"/mail/message/{mailId}");
        var body = await browser.GetAsync($"/mail/message/{mailId}/body");
        var shown = await browser.GetAsync($"/mail/message/{mailId}/body?images=show");

        Assert.Contains($"<iframe class=\"message-frame\" src=\"/mail/message/{mailId}/body\"", page.Body, StringComparison.Ordinal);
        Assert.Contains("sandbox=\"allow-popups allow-popups-to-escape-sandbox\"", page.Body, StringComparison.Ordinal);
        Assert.Contains("1 image(s) from the web are hidden", page.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, body.Status);
        Assert.StartsWith("text/html", body.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal(MessageBodyModel.Policy(remoteImages: false), body.Headers["Content-Security-Policy"]);
        Assert.Contains("sandbox", body.Headers["Content-Security-Policy"], StringComparison.Ordinal);
        Assert.DoesNotContain("allow-scripts", body.Headers["Content-Security-Policy"], StringComparison.Ordinal);
        Assert.Equal("SAMEORIGIN", body.Headers["X-Frame-Options"]);
        Assert.Equal("nosniff", body.Headers["X-Content-Type-Options"]);
        Assert.Contains("<p>Hi<img><a>link</a></p>", body.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("steal", body.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("tracker.example", body.Body, StringComparison.Ordinal);

        Assert.Equal(MessageBodyModel.Policy(remoteImages: true), shown.Headers["Content-Security-Policy"]);
        Assert.Contains("<img src=\"https://tracker.example/p.gif\">", shown.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("steal", shown.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAttachmentDownloadsWithItsBytesAndASafeName()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        var bytes = Encoding.UTF8.GetBytes("<html><script>alert(1)</script></html>");
        var builder = new BodyBuilder { TextBody = "See attached." };
        builder.Attachments.Add("../季度报告\u202Egnp.html", bytes, ContentType.Parse("text/html"));
        var message = TestMail.Message("x@outside.example", bob, "Report", "unused");
        message.Body = builder.ToMessageBody();
        var mailId = await enterprise.DeliverAsync(bob, message);
        using var browser = await WebmailSessionTests.SignedInAsync(enterprise, bob);

        var page = await browser.GetAsync($"/mail/message/{mailId}");
        var download = await browser.GetAsync($"/mail/message/{mailId}/attachment/0");
        var missing = await browser.GetAsync($"/mail/message/{mailId}/attachment/1");

        Assert.Contains($"href=\"/mail/message/{mailId}/attachment/0\" download", page.Body, StringComparison.Ordinal);
        Assert.Contains("text/html, 38 B", page.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, download.Status);
        Assert.Equal(bytes, download.Content);
        // MimeKit already drops the path; the bidi override goes here. ASCII fallback, then RFC 5987.
        Assert.Equal("attachment; filename=____gnp.html; filename*=UTF-8''%E5%AD%A3%E5%BA%A6%E6%8A%A5%E5%91%8Agnp.html", download.Headers["Content-Disposition"]);
        Assert.Equal("nosniff", download.Headers["X-Content-Type-Options"]);
        Assert.Equal(MessageAttachmentModel.DownloadPolicy, download.Headers["Content-Security-Policy"]);
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
    }

    [Fact]
    public async Task TheOriginalDownloadsAsReceived()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddWebmailMemberAsync("bob");
        var mailId = await enterprise.DeliverAsync(bob, TestMail.Message("x@outside.example", bob, "Raw: one/two", "Body text"));
        using var browser = await WebmailSessionTests.SignedInAsync(enterprise, bob);

        var source = await browser.GetAsync($"/mail/message/{mailId}/source");

        Assert.Equal(HttpStatusCode.OK, source.Status);
        Assert.Equal("message/rfc822", source.Headers["Content-Type"]);
        Assert.Contains("filename=\"Raw_ one_two.eml\"", source.Headers["Content-Disposition"], StringComparison.Ordinal);
        Assert.Contains("Subject: Raw: one/two", source.Body, StringComparison.Ordinal);
        Assert.Contains("Body text", source.Body, StringComparison.Ordinal);
    }

    private static MimeMessage WithAttachment(MimeMessage message)
    {
        var builder = new BodyBuilder { HtmlBody = message.HtmlBody };
        builder.Attachments.Add("secret.txt", Encoding.UTF8.GetBytes("secret attachment"), ContentType.Parse("text/plain"));
        message.Body = builder.ToMessageBody();
        return message;
    }
}
