using System.Buffers.Text;
using System.Security.Cryptography;

namespace Mailroom.Server.Mail;

/// <summary>
/// Opaque, URL-safe identifiers: a MailId (PROTOCOL.md §7.1) and the name of a message's file.
/// 144 random bits, so they can neither be guessed nor collide.
/// </summary>
internal static class MailIds
{
    public const int Length = 24;

    public static string New() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(18));

    /// <summary>True when <paramref name="text"/> has the shape of an id (checked before any lookup).</summary>
    public static bool IsWellFormed(string? text) =>
        text is { Length: Length } && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
