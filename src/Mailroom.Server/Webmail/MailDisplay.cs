using System.Globalization;
using Mailroom.Server.Admin;
using MimeKit;

namespace Mailroom.Server.Webmail;

/// <summary>
/// How webmail writes senders, addresses, sizes and times: in fixed, language-neutral forms (the
/// server runs with invariant globalization), times in the zone the console is configured with.
/// </summary>
internal sealed class MailDisplay(ConsoleClock clock)
{
    /// <summary>"2026-11-29 18:00" in the server's display zone.</summary>
    public string Time(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, clock.Zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>"2026-11-29 18:00:05 UTC+08:00", for a message's date.</summary>
    public string FullTime(DateTimeOffset at) => clock.Show(at) + " " + clock.ZoneLabel(at);

    /// <summary>The machine-readable form for a <c>time</c> element.</summary>
    public static string Iso(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The sender as a list shows it: the display name of a From header, else its address, else the text as stored.</summary>
    public static string SenderName(string from)
    {
        ArgumentNullException.ThrowIfNull(from);
        if (InternetAddressList.TryParse(from, out var list) && list.Mailboxes.FirstOrDefault() is { } first)
        {
            return string.IsNullOrWhiteSpace(first.Name) ? first.Address : first.Name;
        }

        return from;
    }

    /// <summary>Addresses as a header line shows them: "Name &lt;address&gt;" or the address, comma-separated.</summary>
    public static string Addresses(InternetAddressList addresses)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        return string.Join(", ", addresses.Mailboxes.Select(m => string.IsNullOrWhiteSpace(m.Name) ? m.Address : $"{m.Name} <{m.Address}>"));
    }

    /// <summary>"512 B", "12 KB", "3.4 MB" (binary multiples, as mail clients show them).</summary>
    public static string Size(long bytes) =>
        bytes switch
        {
            < 1024 => bytes.ToString(CultureInfo.InvariantCulture) + " B",
            < 1024 * 1024 => Math.Max(1, (long)Math.Round(bytes / 1024.0)).ToString(CultureInfo.InvariantCulture) + " KB",
            _ => (bytes / (1024.0 * 1024)).ToString("0.0", CultureInfo.InvariantCulture) + " MB",
        };
}
