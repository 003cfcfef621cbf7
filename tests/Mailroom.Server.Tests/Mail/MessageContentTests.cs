using Mailroom.Server.Mail;
using MimeKit;

namespace Mailroom.Server.Tests.Mail;

public sealed class MessageContentTests
{
    [Theory]
    [InlineData("TestMail Content\r\n", "TestMail Content ")]
    [InlineData("  \t lead\r\n\r\n  and\t\ttabs  ", "lead and tabs ")]
    [InlineData("", "")]
    [InlineData(" \r\n ", "")]
    public void WhitespaceRunsCollapseToOneSpace(string text, string summary) =>
        Assert.Equal(summary, MessageContent.Collapse(text, MessageContent.SummaryLength));

    [Fact]
    public void TheSummaryIsCutAt120CharactersNeverInsideASurrogatePair()
    {
        Assert.Equal(new string('a', 120), MessageContent.Collapse(new string('a', 500), 120));
        Assert.Equal(new string('a', 119), MessageContent.Collapse(new string('a', 119) + "😀tail", 120));
        Assert.Equal(new string('a', 118) + "😀", MessageContent.Collapse(new string('a', 118) + "😀tail", 120));
    }

    [Fact]
    public void APlainPartIsPreferredToHtml()
    {
        var message = new MimeMessage { Body = new BodyBuilder { TextBody = "plain  words", HtmlBody = "<p>html words</p>" }.ToMessageBody() };
        Assert.Equal("plain words", MessageContent.Summarize(message));
    }

    [Fact]
    public void HtmlWithoutAPlainPartIsReadAsTextWithoutMarkupOrScripts()
    {
        var message = new MimeMessage
        {
            Body = new TextPart("html") { Text = "<html><head><style>p{color:red}</style><script>alert(1)</script></head><body><p>Hello&nbsp;<b>bold</b></p>\n<p>world &amp; more</p></body></html>" },
        };

        var summary = MessageContent.Summarize(message);

        Assert.StartsWith("Hello", summary, StringComparison.Ordinal);
        Assert.Contains("bold", summary, StringComparison.Ordinal);
        Assert.Contains("world & more", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("alert", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("color", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("<", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void HeadersAreReadAsWrittenAndAMissingFromShowsTheEnvelopeSender()
    {
        using var stream = new MemoryStream("From: \"Test\" <test@gzdev.com>\r\nTo: =?UTF-8?B?6bKN5YuD?= <bob@gzdev.com>\r\nSubject: =?UTF-8?B?5rWL6K+V?=\r\n\r\nbody\r\n"u8.ToArray());
        using var message = MimeMessage.Load(stream, TestContext.Current.CancellationToken);
        using var anonymous = new MimeMessage { Body = new TextPart("plain") { Text = "x" } };

        Assert.Equal(new MessageContent("\"Test\" <test@gzdev.com>", "鲍勃 <bob@gzdev.com>", "测试", "body "), MessageContent.Read(message, "envelope@elsewhere.example"));
        Assert.Equal("envelope@elsewhere.example", MessageContent.Read(anonymous, "envelope@elsewhere.example").Sender);
    }
}
