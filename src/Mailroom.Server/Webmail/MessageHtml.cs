using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MimeKit.Text;

namespace Mailroom.Server.Webmail;

/// <summary>
/// The HTML part of a received message made safe to show: read with MimeKit's tokenizer and written
/// anew, keeping only an allow-list of elements and attributes. No script, no plug-in, no frame, no
/// form, no event handler, no link but http(s) and mailto, no style that loads anything; images
/// only from the message itself (<c>cid:</c>), from <c>data:image</c>, or from the web when the
/// reader asked for remote images. The page serves the result in a sandboxed frame under its own
/// Content-Security-Policy as well (<see cref="MessageBodyModel"/>): two fences, each enough.
/// </summary>
/// <remarks>
/// The output is re-serialised, never copied: text is escaped, every tag is one this class writes
/// with a name from the allow-list, every attribute value is escaped, and style text holds no
/// <c>&lt;</c>. So however the input was meant to confuse a parser, the browser parses exactly the
/// document written here. Elements whose content is not markup or not meant to be seen (script,
/// style sheets outside the allow-list, frames, objects, SVG, MathML, templates, form controls with
/// text content) are dropped with their content; any other element not allowed is dropped and its
/// content kept.
/// </remarks>
internal static partial class MessageHtml
{
    private static readonly FrozenSet<string> GlobalAttributes = FrozenSet.Create(
        StringComparer.Ordinal, "align", "bgcolor", "class", "dir", "height", "id", "lang", "style", "title", "valign", "width");

    // Kept elements and the attributes each keeps besides the global ones.
    private static readonly FrozenDictionary<string, FrozenSet<string>> Elements = AllowedElements();

    private static readonly FrozenSet<string> VoidElements = FrozenSet.Create(StringComparer.Ordinal, "br", "col", "hr", "img", "wbr");

    // Dropped with all they contain: code, plug-ins, frames, foreign markup (parsed by other rules),
    // and elements whose text is not part of the visible message.
    private static readonly FrozenSet<string> DroppedWithContent = FrozenSet.Create(
        StringComparer.Ordinal,
        "applet", "audio", "canvas", "datalist", "frameset", "iframe", "map", "math", "noembed", "noframes", "noscript",
        "object", "plaintext", "script", "select", "svg", "template", "textarea", "title", "video", "xmp");

    // The only elements a "/>" closes (in foreign content); elsewhere HTML ignores it (WHATWG HTML 13.1.2.1).
    private static readonly FrozenSet<string> ForeignRoots = FrozenSet.Create(StringComparer.Ordinal, "math", "svg");

    private static readonly char[] ControlOrSpace = [.. Enumerable.Range(0, 0x21).Select(c => (char)c)];

    private static readonly FrozenSet<string> LinkSchemes = FrozenSet.Create(StringComparer.Ordinal, "http", "https", "mailto");

    /// <summary>
    /// The message HTML as a safe fragment (the content of a body), and how many web images it had
    /// to leave out because <paramref name="remoteImages"/> was false.
    /// </summary>
    /// <param name="html">The message's HTML part, decoded.</param>
    /// <param name="remoteImages">Keep http(s) images.</param>
    /// <param name="inlineImage">A <c>cid:</c> content id (without angle brackets) → a <c>data:image</c> URL, or null when the message has no such image.</param>
    public static SanitizedHtml Sanitize(string html, bool remoteImages, Func<string, string?>? inlineImage = null)
    {
        ArgumentNullException.ThrowIfNull(html);
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        var sanitizer = new Sanitizer(output, remoteImages, inlineImage);
        sanitizer.Run(html);
        return new SanitizedHtml(output.ToString(), sanitizer.BlockedImages);
    }

    /// <summary>A whole document around a sanitised fragment, with the frame's own base style.</summary>
    public static string Document(string fragment) =>
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<style>body{margin:0;padding:0.5rem;font-family:system-ui,-apple-system,\"Segoe UI\",\"PingFang SC\",\"Microsoft YaHei\",sans-serif;"
        + "line-height:1.5;color:#1d2430;background:#fff;overflow-wrap:anywhere}img{max-width:100%;height:auto}pre{white-space:pre-wrap}</style>"
        + "</head><body>" + fragment + "</body></html>";

    /// <summary>A link's target when it may stay: http(s), mailto or a fragment of the message itself.</summary>
    public static string? LinkTarget(string value)
    {
        var url = Clean(value);
        if (url.StartsWith('#'))
        {
            return url;
        }

        url = url.StartsWith("//", StringComparison.Ordinal) ? "https:" + url : url;
        return Scheme(url) is { } scheme && LinkSchemes.Contains(scheme) ? url : null;
    }

    /// <summary>
    /// An image's source when it may stay, and whether it is a web image (kept only when
    /// <paramref name="remoteImages"/>).
    /// </summary>
    public static (string? Source, bool Remote) ImageSource(string value, bool remoteImages, Func<string, string?>? inlineImage)
    {
        var url = Clean(value);
        url = url.StartsWith("//", StringComparison.Ordinal) ? "https:" + url : url;
        switch (Scheme(url))
        {
            case "http" or "https":
                return (remoteImages ? url : null, true);
            case "data":
                return (IsSafeDataImage(url) ? url : null, false);
            case "cid":
                // RFC 2392: cid:<addr-spec, percent-encoded>.
                var id = Uri.UnescapeDataString(url["cid:".Length..]).Trim().TrimStart('<').TrimEnd('>');
                return (id.Length > 0 && inlineImage?.Invoke(id) is { } data && IsSafeDataImage(data) ? data : null, false);
            default:
                return (null, false);
        }
    }

    /// <summary>A <c>data:</c> URL of a raster image type (SVG, though inert in an img, is not needed).</summary>
    public static bool IsSafeDataImage(string url) => SafeDataImage().IsMatch(url);

    // What a browser does to a URL attribute before parsing it (WHATWG URL: strip leading and trailing
    // C0 controls and spaces, remove tabs and newlines anywhere), so "jav&#9;ascript:" is seen as
    // javascript: here too.
    private static string Clean(string value) =>
        TabOrNewline().Replace(value ?? "", "").Trim(ControlOrSpace);

    // The scheme, lower case; null when the URL is relative (no ':' before the first '/', '?', '#')
    // or the scheme is not well formed.
    private static string? Scheme(string url)
    {
        var colon = url.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || url.AsSpan(0, colon).IndexOfAny("/?#") >= 0)
        {
            return null;
        }

        var scheme = url[..colon];
        return SchemeName().IsMatch(scheme) ? scheme.ToLowerInvariant() : null;
    }

    private static FrozenDictionary<string, FrozenSet<string>> AllowedElements()
    {
        var elements = new Dictionary<string, FrozenSet<string>>(StringComparer.Ordinal)
        {
            ["a"] = FrozenSet.Create(StringComparer.Ordinal, "href", "name"),
            ["img"] = FrozenSet.Create(StringComparer.Ordinal, "src", "alt", "border", "hspace", "vspace"),
            ["table"] = FrozenSet.Create(StringComparer.Ordinal, "border", "cellpadding", "cellspacing", "frame", "rules", "summary"),
            ["td"] = FrozenSet.Create(StringComparer.Ordinal, "abbr", "colspan", "headers", "nowrap", "rowspan", "scope"),
            ["th"] = FrozenSet.Create(StringComparer.Ordinal, "abbr", "colspan", "headers", "nowrap", "rowspan", "scope"),
            ["col"] = FrozenSet.Create(StringComparer.Ordinal, "span"),
            ["colgroup"] = FrozenSet.Create(StringComparer.Ordinal, "span"),
            ["font"] = FrozenSet.Create(StringComparer.Ordinal, "color", "face", "size"),
            ["ol"] = FrozenSet.Create(StringComparer.Ordinal, "reversed", "start", "type"),
            ["ul"] = FrozenSet.Create(StringComparer.Ordinal, "type"),
            ["li"] = FrozenSet.Create(StringComparer.Ordinal, "type", "value"),
            ["hr"] = FrozenSet.Create(StringComparer.Ordinal, "color", "noshade", "size"),
            ["br"] = FrozenSet.Create(StringComparer.Ordinal, "clear"),
            ["del"] = FrozenSet.Create(StringComparer.Ordinal, "datetime"),
            ["ins"] = FrozenSet.Create(StringComparer.Ordinal, "datetime"),
            ["time"] = FrozenSet.Create(StringComparer.Ordinal, "datetime"),
            ["details"] = FrozenSet.Create(StringComparer.Ordinal, "open"),
        };
        string[] plain =
        [
            "abbr", "acronym", "address", "article", "aside", "b", "bdi", "bdo", "big", "blockquote", "caption", "center",
            "cite", "code", "dd", "dfn", "div", "dl", "dt", "em", "fieldset", "figcaption", "figure", "footer", "h1", "h2",
            "h3", "h4", "h5", "h6", "header", "hgroup", "i", "kbd", "legend", "main", "mark", "nav", "p", "pre", "q", "rp",
            "rt", "ruby", "s", "samp", "section", "small", "span", "strike", "strong", "sub", "summary", "sup", "tbody",
            "tfoot", "thead", "tr", "tt", "u", "var", "wbr",
        ];
        foreach (var name in plain)
        {
            elements[name] = FrozenSet<string>.Empty;
        }

        return elements.ToFrozenDictionary(StringComparer.Ordinal);
    }

    [GeneratedRegex("[\t\n\r]")]
    private static partial Regex TabOrNewline();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9+.-]*$")]
    private static partial Regex SchemeName();

    [GeneratedRegex(@"^data:image/(?:png|gif|jpeg|jpg|pjpeg|webp|bmp|avif)(?:;[A-Za-z0-9=._+-]*)*,", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SafeDataImage();

    [GeneratedRegex("^#?[A-Za-z0-9]{1,20}$")]
    private static partial Regex SimpleColor();

    private sealed class Sanitizer(TextWriter output, bool remoteImages, Func<string, string?>? inlineImage)
    {
        // The kept elements open in the output, innermost last, with how many of each name.
        private readonly List<string> _open = [];
        private readonly Dictionary<string, int> _openCounts = new(StringComparer.Ordinal);
        private HtmlWriter _writer = null!;

        // Inside an element dropped with its content: its name and how deeply it nests in itself.
        private string? _skipping;
        private int _skipDepth;

        // Inside a style element: its text so far.
        private StringBuilder? _style;

        public int BlockedImages { get; private set; }

        public void Run(string html)
        {
            using var writer = new HtmlWriter(output);
            _writer = writer;
            var tokenizer = new HtmlTokenizer(new StringReader(html));
            while (tokenizer.ReadNextToken(out var token))
            {
                if (_skipping is not null)
                {
                    Skip(token);
                }
                else if (_style is not null)
                {
                    Style(token);
                }
                else if (token is HtmlTagToken tag)
                {
                    Tag(tag);
                }
                else if (token.Kind == HtmlTokenKind.Data && token is HtmlDataToken data)
                {
                    writer.WriteText(data.Data.Replace('\0', '\uFFFD'));
                }

                // Comments (conditional comments included), CDATA and doctypes are dropped.
            }

            if (_style is not null)
            {
                WriteStyle();
            }

            for (var i = _open.Count - 1; i >= 0; i--)
            {
                writer.WriteEndTag(_open[i]);
            }

            writer.Flush();
        }

        private void Skip(HtmlToken token)
        {
            if (token is HtmlTagToken tag && Name(tag) == _skipping)
            {
                if (tag.IsEndTag)
                {
                    if (--_skipDepth == 0)
                    {
                        _skipping = null;
                    }
                }
                else if (!tag.IsEmptyElement)
                {
                    _skipDepth++;
                }
            }
        }

        private void Style(HtmlToken token)
        {
            if (token is HtmlDataToken data && token.Kind == HtmlTokenKind.Data)
            {
                _style!.Append(data.Data);
            }
            else if (token is HtmlTagToken { IsEndTag: true } tag && Name(tag) == "style")
            {
                WriteStyle();
            }
        }

        private void WriteStyle()
        {
            var css = MessageCss.Clean(_style!.ToString());
            _style = null;
            if (!string.IsNullOrWhiteSpace(css))
            {
                _writer.WriteStartTag("style");
                _writer.WriteMarkupText(css);
                _writer.WriteEndTag("style");
            }
        }

        private void Tag(HtmlTagToken tag)
        {
            var name = Name(tag);
            if (!tag.IsEndTag && DroppedWithContent.Contains(name))
            {
                if (!tag.IsEmptyElement || !ForeignRoots.Contains(name))
                {
                    (_skipping, _skipDepth) = (name, 1);
                }

                return;
            }

            if (name == "style")
            {
                _style = tag.IsEndTag ? null : new StringBuilder();
                return;
            }

            if (name == "body")
            {
                // The message's own body becomes a division of ours, keeping its colours and style.
                name = "div";
                if (!tag.IsEndTag)
                {
                    Open(name);
                    _writer.WriteAttribute("class", "message-body");
                    BodyStyle(tag);
                    return;
                }
            }

            if (!Elements.TryGetValue(name, out var attributes))
            {
                return;
            }

            if (tag.IsEndTag)
            {
                Close(name);
                return;
            }

            if (name == "img")
            {
                Image(tag, attributes);
                return;
            }

            Open(name);
            var linked = Attributes(tag, attributes);
            if (name == "a" && linked)
            {
                _writer.WriteAttribute("target", "_blank");
                _writer.WriteAttribute("rel", "noopener noreferrer");
            }
        }

        private void Image(HtmlTagToken tag, FrozenSet<string> attributes)
        {
            string? source = null;
            foreach (var attribute in tag.Attributes)
            {
                if (attribute.Name.Equals("src", StringComparison.OrdinalIgnoreCase))
                {
                    var (kept, remote) = ImageSource(attribute.Value ?? "", remoteImages, inlineImage);
                    source = kept;
                    BlockedImages += remote && kept is null ? 1 : 0;
                    break;
                }
            }

            _writer.WriteStartTag("img");
            if (source is not null)
            {
                _writer.WriteAttribute("src", source);
            }

            Attributes(tag, attributes);
        }

        // The allowed attributes of a start tag, the first of each name (as browsers take it); true
        // when a link target was written.
        private bool Attributes(HtmlTagToken tag, FrozenSet<string> allowed)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var linked = false;
            foreach (var attribute in tag.Attributes)
            {
                var name = attribute.Name.ToLowerInvariant();
                if (!seen.Add(name) || name == "src" || !(GlobalAttributes.Contains(name) || allowed.Contains(name)))
                {
                    continue;
                }

                var value = (attribute.Value ?? "").Replace('\0', '\uFFFD');
                if (name == "href")
                {
                    if (LinkTarget(value) is not { } target)
                    {
                        continue;
                    }

                    (value, linked) = (target, true);
                }
                else if (name == "style")
                {
                    value = MessageCss.Clean(value);
                    if (string.IsNullOrWhiteSpace(value))
                    {
                        continue;
                    }
                }

                _writer.WriteAttribute(name, value);
            }

            return linked;
        }

        private void BodyStyle(HtmlTagToken tag)
        {
            var declarations = new List<string>();
            foreach (var attribute in tag.Attributes)
            {
                var value = attribute.Value ?? "";
                switch (attribute.Name.ToLowerInvariant())
                {
                    case "bgcolor" when SimpleColor().IsMatch(value):
                        declarations.Add("background-color: " + value);
                        break;
                    case "text" when SimpleColor().IsMatch(value):
                        declarations.Add("color: " + value);
                        break;
                    case "style":
                        declarations.Add(MessageCss.Clean(value));
                        break;
                }
            }

            if (declarations.Count > 0)
            {
                _writer.WriteAttribute("style", string.Join("; ", declarations));
            }
        }

        private void Open(string name)
        {
            _writer.WriteStartTag(name);
            if (!VoidElements.Contains(name))
            {
                _open.Add(name);
                _openCounts[name] = _openCounts.GetValueOrDefault(name) + 1;
            }
        }

        // Closes the innermost open element of this name and every element opened inside it, so the
        // output nests properly; an end tag with nothing to close is dropped. Each element scanned
        // here is closed, so the work stays linear in the size of the input.
        private void Close(string name)
        {
            if (_openCounts.GetValueOrDefault(name) == 0)
            {
                return;
            }

            while (_open.Count > 0)
            {
                var innermost = _open[^1];
                _open.RemoveAt(_open.Count - 1);
                _openCounts[innermost]--;
                _writer.WriteEndTag(innermost);
                if (innermost == name)
                {
                    return;
                }
            }
        }

        private static string Name(HtmlTagToken tag) => tag.Name.ToLowerInvariant();
    }
}

/// <summary>A sanitised HTML fragment and the number of web images left out of it.</summary>
internal sealed record SanitizedHtml(string Html, int BlockedImages);
