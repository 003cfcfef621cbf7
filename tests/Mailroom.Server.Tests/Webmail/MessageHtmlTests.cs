using Mailroom.Server.Webmail;

namespace Mailroom.Server.Tests.Webmail;

/// <summary>The message HTML sanitiser: hostile inputs and what is left of them.</summary>
public sealed class MessageHtmlTests
{
    private const string Png = "data:image/png;base64,iVBORw0KGgo=";

    public static TheoryData<string, string> Hostile => new()
    {
        // Scripts, in every spelling, go with their content.
        { "<p>a<script>alert(1)</script>b</p>", "<p>ab</p>" },
        { "<SCRIPT type=\"text/javascript\">document.title='x'</SCRIPT>ok", "ok" },
        { "<script/>alert(1)</script>ok", "ok" },
        { "<script>if (a < b) { document.write('</p>') }</script>ok", "ok" },
        { "<scr<script>ipt>alert(1)</script>", "ipt&gt;alert(1)" },
        { "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>ok", "<img>&quot;&gt;ok" },

        // Event handlers and unknown attributes are dropped; allowed ones kept, first of a name wins.
        { "<img src=x onerror=alert(1)>", "<img>" },
        { "<p onclick=\"alert(1)\" ONMOUSEOVER=alert(2) title=t>x</p>", "<p title=\"t\">x</p>" },
        { "<b title=\"a\" title=\"b\">x</b>", "<b title=\"a\">x</b>" },
        { "<div data-x=1 xmlns:o=\"urn\" class=\"c\">x</div>", "<div class=\"c\">x</div>" },

        // Links: http(s) and mailto open in a new browsing context; everything else loses its target.
        { "<a href=\"https://example.com/?a=1&amp;b=2\">x</a>", "<a href=\"https://example.com/?a=1&amp;b=2\" target=\"_blank\" rel=\"noopener noreferrer\">x</a>" },
        { "<a href=\"mailto:bob@example.com\">x</a>", "<a href=\"mailto:bob@example.com\" target=\"_blank\" rel=\"noopener noreferrer\">x</a>" },
        { "<a href=\"javascript:alert(1)\">x</a>", "<a>x</a>" },
        { "<a href=\"  JaVaScRiPt:alert(1)\">x</a>", "<a>x</a>" },
        { "<a href=\"jav&#x09;ascript:alert(1)\">x</a>", "<a>x</a>" },
        { "<a href=\"java\nscript:alert(1)\">x</a>", "<a>x</a>" },
        { "<a href=\"&#106;avascript:alert(1)\">x</a>", "<a>x</a>" },
        { "<a href=\"\u0001javascript:alert(1)\">x</a>", "<a>x</a>" },
        { "<a href=\"vbscript:msgbox(1)\">x</a>", "<a>x</a>" },
        { "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>", "<a>x</a>" },
        { "<a href=\"/mail/logout\">x</a>", "<a>x</a>" },
        { "<a href=\"\\\\evil.example/x\">x</a>", "<a>x</a>" },
        { "<a href=\"//evil.example/x\">x</a>", "<a href=\"https://evil.example/x\" target=\"_blank\" rel=\"noopener noreferrer\">x</a>" },
        { "<a href=\"#part2\">x</a>", "<a href=\"#part2\" target=\"_blank\" rel=\"noopener noreferrer\">x</a>" },
        { "<a href=\"https://x.example\" target=\"_self\" rel=\"opener\" ping=\"https://t.example\">x</a>", "<a href=\"https://x.example\" target=\"_blank\" rel=\"noopener noreferrer\">x</a>" },

        // Images: no web image by default, data:image and nothing else.
        { "<img src=\"https://tracker.example/p.gif\" width=1 height=1 alt=\"logo\">", "<img width=\"1\" height=\"1\" alt=\"logo\">" },
        { "<img src=\"//tracker.example/p.gif\">", "<img>" },
        { "<img src=\"" + Png + "\">", "<img src=\"" + Png + "\">" },
        { "<img src=\"data:image/svg+xml;base64,PHN2Zz4=\">", "<img>" },
        { "<img src=\"data:text/html;base64,PHNjcmlwdD4=\">", "<img>" },
        { "<img src=\"javascript:alert(1)\">", "<img>" },
        { "<img src=\"cid:unknown@x\">", "<img>" },
        { "<img srcset=\"https://t.example/a.png 2x\" src=\"x.png\">", "<img>" },
        { "<table background=\"https://t.example/bg.png\"><tr><td>x</td></tr></table>", "<table><tr><td>x</td></tr></table>" },

        // Frames, plug-ins, forms, documents' plumbing.
        { "<iframe src=\"https://evil.example\"><b>x</b></iframe>ok", "ok" },
        { "<object data=\"x.swf\"><param name=a value=b><embed src=\"x.swf\">fallback</object>ok", "ok" },
        { "<embed src=\"x.swf\">ok", "ok" },
        { "<form action=\"https://evil.example\"><input name=p type=password><button formaction=\"https://e.example\">Go</button>text</form>", "Gotext" },
        { "<select><option>a</option></select><textarea><b>t</b></textarea>ok", "ok" },
        { "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">ok", "ok" },
        { "<base href=\"https://evil.example/\"><link rel=stylesheet href=\"https://evil.example/s.css\">ok", "ok" },
        { "<html><head><title>T</title></head><body><p>x</p></body></html>", "<div class=\"message-body\"><p>x</p></div>" },
        { "<body bgcolor=\"#ffeedd\" onload=\"alert(1)\" text=red><p>x</p></body>", "<div class=\"message-body\" style=\"background-color: #ffeedd; color: red\"><p>x</p></div>" },
        { "<body bgcolor=\"red;background:url(x)\">x</body>", "<div class=\"message-body\">x</div>" },
        { "<svg><script>alert(1)</script><a xlink:href=\"javascript:alert(1)\">x</a></svg>ok", "ok" },
        { "<svg/>ok", "ok" },
        { "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", "" },
        { "<template><img src=x onerror=alert(1)></template>ok", "ok" },
        { "<!--[if mso]><script>alert(1)</script><![endif]-->ok<![CDATA[<b>]]>", "ok" },
        { "<!DOCTYPE html><p>x", "<p>x</p>" },

        // Styles: kept unless they would fetch something; no escape can spell a fetch.
        { "<p style=\"color: red; font-weight: bold\">x</p>", "<p style=\"color: red; font-weight: bold\">x</p>" },
        { "<p style=\"background: url(https://t.example/p.gif)\">x</p>", "<p style=\"background: blocked-url(https://t.example/p.gif)\">x</p>" },
        { "<p style=\"background: u\\72 l(https://t.example/p.gif)\">x</p>", "<p style=\"background: blocked-url(https://t.example/p.gif)\">x</p>" },
        { "<p style=\"width: expression(alert(1))\">x</p>", "<p style=\"width: blocked-expression(alert(1))\">x</p>" },
        { "<p style=\"x:\\\\75 rl(a)\">x</p>", "<p style=\"x:75 rl(a)\">x</p>" },
        { "<style>p { color: red } a > b { margin: 0 }</style>x", "<style>p { color: red } a > b { margin: 0 }</style>x" },
        { "<style><!-- @import 'https://t.example/s.css'; p{background:url(x)} --></style>", "<style>  @blocked-import 'https://t.example/s.css'; p{background:blocked-url(x)}  </style>" },
        { "<style>p{color:red}</style><img src=x onerror=alert(1)></style>", "<style>p{color:red}</style><img>" },
        { "<style>\\3c /style\\3e <script>alert(1)</script></style>ok", "<style>/style>script>alert(1)/script></style>ok" },

        // Text is text, however it is spelled; markup stays well nested.
        { "&lt;script&gt;alert(1)&lt;/script&gt; &amp; \"q\"", "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot;" },
        { "<b><i>x</b>y</i>", "<b><i>x</i></b>y" },
        { "</div></p>x<br></br>", "x<br>" },
        { "<ul><li>a<li>b</ul>", "<ul><li>a<li>b</li></li></ul>" },
        { "<o:p>Outlook</o:p><font face=\"Arial\" color=red size=2>t</font>", "Outlook<font face=\"Arial\" color=\"red\" size=\"2\">t</font>" },
        { "<div>unclosed<span>too", "<div>unclosed<span>too</span></div>" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void HostileMarkupIsRewrittenToTheAllowList(string html, string expected) =>
        Assert.Equal(expected, MessageHtml.Sanitize(html, remoteImages: false).Html);

    [Fact]
    public void WebImagesAreCountedWhenHiddenAndKeptWhenAsked()
    {
        const string html = "<img src=\"https://t.example/a.png\"><img src=\"http://t.example/b.png\"><img src=\"" + Png + "\">";

        var hidden = MessageHtml.Sanitize(html, remoteImages: false);
        var shown = MessageHtml.Sanitize(html, remoteImages: true);

        Assert.Equal(2, hidden.BlockedImages);
        Assert.Equal("<img><img><img src=\"" + Png + "\">", hidden.Html);
        Assert.Equal(0, shown.BlockedImages);
        Assert.Equal("<img src=\"https://t.example/a.png\"><img src=\"http://t.example/b.png\"><img src=\"" + Png + "\">", shown.Html);
    }

    [Fact]
    public void InlineImagesResolveThroughTheMessagesOwnParts()
    {
        var asked = new List<string>();
        string? Resolve(string id)
        {
            asked.Add(id);
            return id == "logo@example.com" ? Png : id == "evil@example.com" ? "javascript:alert(1)" : null;
        }

        var result = MessageHtml.Sanitize("<img src=\"cid:logo%40example.com\"><img src=\"CID:evil@example.com\"><img src=\"cid:none\">", remoteImages: false, Resolve);

        Assert.Equal(["logo@example.com", "evil@example.com", "none"], asked);
        Assert.Equal("<img src=\"" + Png + "\"><img><img>", result.Html);
        Assert.Equal(0, result.BlockedImages);
    }

    [Fact]
    public void DeeplyMisnestedInputIsHandledInLinearTime()
    {
        var html = string.Concat(Enumerable.Repeat("<div>", 50_000)) + string.Concat(Enumerable.Repeat("</span>", 50_000)) + "<b>x";
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var result = MessageHtml.Sanitize(html, remoteImages: false).Html;

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Assert.EndsWith("<b>x</b>" + string.Concat(Enumerable.Repeat("</div>", 50_000)), result, StringComparison.Ordinal);
    }

    [Fact]
    public void TheDocumentWrapsTheFragmentWithItsOwnStyleOnly()
    {
        var document = MessageHtml.Document("<p>x</p>");

        Assert.StartsWith("<!DOCTYPE html><html><head><meta charset=\"utf-8\">", document, StringComparison.Ordinal);
        Assert.EndsWith("<body><p>x</p></body></html>", document, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", document, StringComparison.OrdinalIgnoreCase);
    }
}
