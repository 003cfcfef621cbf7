using System.Collections.Frozen;
using System.Globalization;
using System.Text.RegularExpressions;

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
}
