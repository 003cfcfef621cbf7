using System.Globalization;
using System.Text;

namespace Mailroom.Server.Webmail;

/// <summary>
/// A file name from a message (an attachment's, a subject) made safe to offer as a download: no
/// path, no control or invisible formatting characters (a right-to-left override can make
/// "gpj.exe" look like "exe.jpg"), none of the characters Windows refuses, not a device name,
/// and not absurdly long. The HTTP layer writes it as <c>filename*</c> (RFC 6266, RFC 5987) with
/// an ASCII fallback.
/// </summary>
internal static class DownloadName
{
    public const int MaxLength = 120;

    private static readonly string[] DeviceNames =
        ["CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
         "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9"];

    public static string Safe(string? name, string fallback)
    {
        ArgumentException.ThrowIfNullOrEmpty(fallback);
        var text = new StringBuilder();
        foreach (var rune in (name ?? "").EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate or UnicodeCategory.OtherNotAssigned)
            {
                continue;
            }

            text.Append(rune.Value is '/' or '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|' ? "_" : rune.ToString());
        }

        var safe = text.ToString().Trim().Trim('.').Trim();
        if (safe.Length == 0)
        {
            return fallback;
        }

        var stem = Path.GetFileNameWithoutExtension(safe);
        if (DeviceNames.Contains(stem.Split('.')[0].Trim(), StringComparer.OrdinalIgnoreCase))
        {
            safe = "_" + safe;
        }

        return Shorten(safe);
    }

    // Keeps the extension (what the reader's system opens it with) when cutting.
    private static string Shorten(string name)
    {
        if (name.Length <= MaxLength)
        {
            return name;
        }

        var extension = Path.GetExtension(name);
        extension = extension.Length is > 1 and <= 16 ? extension : "";
        var stem = name[..(MaxLength - extension.Length)];
        if (char.IsHighSurrogate(stem[^1]))
        {
            stem = stem[..^1];
        }

        return stem.TrimEnd() + extension;
    }
}
