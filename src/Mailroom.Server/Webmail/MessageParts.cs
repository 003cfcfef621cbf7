using Mailroom.Server.Mail;
using MimeKit;
using MimeKit.IO;

namespace Mailroom.Server.Webmail;

/// <summary>What the message page reads from a message's MIME besides its text: attachment sizes and inline images.</summary>
internal static class MessageParts
{
    /// <summary>The largest inline image put into the page as a <c>data:</c> URL; bigger ones are left out.</summary>
    public const int MaxInlineImageBytes = 4 * 1024 * 1024;

    /// <summary>The decoded size of each attachment (same order as <see cref="MailContent.Attachments"/>).</summary>
    public static IReadOnlyList<long> AttachmentSizes(MimeMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var sizes = new List<long>();
        foreach (var entity in message.Attachments)
        {
            using var measure = new MeasuringStream();
            if (entity is MimePart { Content: { } content })
            {
                content.DecodeTo(measure, cancellationToken);
            }
            else if (entity is MessagePart { Message: { } attached })
            {
                attached.WriteTo(measure, cancellationToken);
            }

            sizes.Add(measure.Length);
        }

        return sizes;
    }

    /// <summary>
    /// The image part a <c>cid:</c> URL names (RFC 2392), as a <c>data:</c> URL; null when the
    /// message has no such image part or it is too big.
    /// </summary>
    public static string? InlineImage(MimeMessage message, string contentId)
    {
        ArgumentNullException.ThrowIfNull(message);
        var part = message.BodyParts.OfType<MimePart>().FirstOrDefault(p => string.Equals(p.ContentId, contentId, StringComparison.OrdinalIgnoreCase));
        if (part is not { Content: { } content } || !part.ContentType.MediaType.Equals("image", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        using var bytes = new MemoryStream();
        content.DecodeTo(bytes);
        if (bytes.Length > MaxInlineImageBytes)
        {
            return null;
        }

        var url = $"data:{part.ContentType.MimeType.ToLowerInvariant()};base64,{Convert.ToBase64String(bytes.GetBuffer(), 0, (int)bytes.Length)}";
        return MessageHtml.IsSafeDataImage(url) ? url : null;
    }
}
