using System.Globalization;
using System.Text.RegularExpressions;

namespace Mailroom.Server.Webmail;

/// <summary>
/// The CSS of a received message (its <c>&lt;style&gt;</c> blocks and <c>style</c> attributes) made
/// unable to fetch anything: no <c>url()</c> or other function that loads a resource, no
/// <c>@import</c>, no script hooks of old browsers.
/// </summary>
/// <remarks>
/// The text is first brought to a form with no CSS escapes, comments or <c>&lt;</c> (CSS Syntax 3,
/// 4.3.7: an escape may spell <c>url</c>; a comment may split it; <c>&lt;</c> could end the style
/// element). What is checked afterwards is exactly what the browser reads, so a function the check
/// does not see cannot exist. A dangerous function is renamed rather than cut out: the browser then
/// drops the declaration as invalid, and the parentheses still balance.
/// </remarks>
internal static partial class MessageCss
{
    /// <summary>The cleaned CSS: what it cannot keep safely is made invalid for the browser to drop.</summary>
    public static string Clean(string css)
    {
        ArgumentNullException.ThrowIfNull(css);
        var text = Unescape(css);
        text = Comment().Replace(text, " ");
        text = text.Replace("<!--", " ", StringComparison.Ordinal).Replace("-->", " ", StringComparison.Ordinal);
        text = text.Replace("<", "", StringComparison.Ordinal).Replace("\0", "", StringComparison.Ordinal);
        text = Loader().Replace(text, "blocked-$1(");
        return AtRule().Replace(text, "@blocked-$1");
    }

    // CSS Syntax 3, 4.3.7: "\" + up to 6 hex digits (+ one whitespace), "\" + newline (a line
    // continuation in strings), "\" + any other character. A "\" left over (from "\\") is dropped so
    // that nothing in the result can start a new escape.
    private static string Unescape(string css)
    {
        if (!css.Contains('\\', StringComparison.Ordinal))
        {
            return css;
        }

        var unescaped = Escape().Replace(css, match =>
        {
            if (match.Groups["hex"].Success)
            {
                var code = int.Parse(match.Groups["hex"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                return code is 0 or > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF) ? "\uFFFD" : char.ConvertFromUtf32(code);
            }

            return match.Groups["other"].Value is "\n" or "\r" or "\f" ? "" : match.Groups["other"].Value;
        });
        return unescaped.Replace("\\", "", StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\\(?:(?<hex>[0-9A-Fa-f]{1,6})(?:\r\n|[ \t\r\n\f])?|(?<other>[\s\S])|$)")]
    private static partial Regex Escape();

    // An unterminated comment runs to the end (CSS Syntax 3, 4.3.2).
    [GeneratedRegex(@"/\*[\s\S]*?(?:\*/|$)")]
    private static partial Regex Comment();

    // Functions that fetch a resource (or run code in old IE). "image-set" before "image".
    [GeneratedRegex(@"(url|src|image-set|image|cross-fade|element|attr|expression)\s*\(", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Loader();

    [GeneratedRegex(@"@(import|namespace|font-face)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AtRule();
}
