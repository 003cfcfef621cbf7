using System.Text;
using MimeKit;
using MimeKit.Text;

namespace Mailroom.Server.Mail;

/// <summary>What the mailbox lists and new-mail events show of a message, read from its MIME.</summary>
internal sealed record MessageContent(string Sender, string Recipients, string Subject, string Summary)
{
    /// <summary>PROTOCOL.md §5: the summary is the first 120 characters of the plain text.</summary>
    public const int SummaryLength = 120;

    // Longest header value kept in the database; longer ones are cut (the raw message keeps them).
    private const int MaxHeaderLength = 998;

    /// <summary>
    /// Reads a message's From, To, Subject and summary. MimeKit is lenient: a malformed message still
    /// gives what it can, and a message with no From shows the envelope sender.
    /// </summary>
    public static MessageContent Read(MimeMessage message, string envelopeSender)
    {
        ArgumentNullException.ThrowIfNull(message);
        var from = Header(message, HeaderId.From);
        return new MessageContent(
            from.Length > 0 ? from : envelopeSender,
            Header(message, HeaderId.To),
            Cut(message.Subject ?? "", MaxHeaderLength),
            Summarize(message));
    }

    /// <summary>
    /// The first 120 characters of the message's plain text (its HTML rendered as text when it has no
    /// plain part), every run of whitespace collapsed to one space and leading whitespace dropped.
    /// A trailing space is kept, as the original service's events show (<c>"TestMail Content "</c>).
    /// </summary>
    public static string Summarize(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var text = message.TextBody;
        if (text is null && message.HtmlBody is { } html)
        {
            // The previewer drops markup, scripts and styles; ample length, then cut like plain text.
            var previewer = new HtmlTextPreviewer { MaximumPreviewLength = 4 * SummaryLength };
            using var reader = new StringReader(html);
            text = previewer.GetPreviewText(reader);
        }

        return Collapse(text ?? "", SummaryLength);
    }

    /// <summary>Whitespace runs as one space, no leading whitespace, at most <paramref name="length"/> characters (never half a surrogate pair).</summary>
    public static string Collapse(string text, int length)
    {
        ArgumentNullException.ThrowIfNull(text);
        var summary = new StringBuilder(length);
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = summary.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                summary.Append(' ');
                pendingSpace = false;
            }

            if (summary.Length >= length)
            {
                break;
            }

            summary.Append(c);
        }

        if (pendingSpace && summary.Length < length)
        {
            summary.Append(' ');
        }

        if (summary.Length > length)
        {
            summary.Length = length;
        }

        if (summary.Length > 0 && char.IsHighSurrogate(summary[^1]))
        {
            summary.Length--;
        }

        return summary.ToString();
    }

    // The header as written (RFC 2047 words decoded, folding undone), e.g. "Test" <test@gzdev.com>.
    private static string Header(MimeMessage message, HeaderId id)
    {
        var value = message.Headers[id];
        return value is null ? "" : Cut(value.Trim(), MaxHeaderLength);
    }

    private static string Cut(string text, int length) =>
        text.Length <= length ? text : text[..(char.IsHighSurrogate(text[length - 1]) ? length - 1 : length)];
}
