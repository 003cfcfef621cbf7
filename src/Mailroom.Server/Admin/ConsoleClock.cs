using System.Globalization;
using Microsoft.Extensions.Options;

namespace Mailroom.Server.Admin;

/// <summary>
/// Times as the console shows and reads them: in the configured zone (Mailroom:Admin:TimeZone),
/// in fixed ISO-like forms whatever the page's language.
/// </summary>
internal sealed class ConsoleClock(IOptionsMonitor<AdminOptions> options)
{
    public TimeZoneInfo Zone
    {
        get
        {
            var name = options.CurrentValue.TimeZone;
            try
            {
                return string.IsNullOrWhiteSpace(name) || name.Equals("UTC", StringComparison.OrdinalIgnoreCase)
                    ? TimeZoneInfo.Utc
                    : TimeZoneInfo.FindSystemTimeZoneById(name.Trim());
            }
            catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
            {
                return TimeZoneInfo.Utc;
            }
        }
    }

    /// <summary>"UTC" or "UTC+08:00", for labels.</summary>
    public string ZoneLabel(DateTimeOffset at)
    {
        var offset = Zone.GetUtcOffset(at);
        return offset == TimeSpan.Zero ? "UTC" : "UTC" + (offset < TimeSpan.Zero ? "-" : "+") + offset.ToString(@"hh\:mm", CultureInfo.InvariantCulture);
    }

    /// <summary>"2026-11-29 18:00:05" in the console's zone.</summary>
    public string Show(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, Zone).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>ISO 8601 with milliseconds and offset, for exports: "2026-11-29T18:00:05.123+08:00".</summary>
    public string Iso(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, Zone).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);

    /// <summary>The value of a datetime-local input for the time, in the console's zone.</summary>
    public string InputValue(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, Zone).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);

    /// <summary>Reads a datetime-local input (or a date) as a time in the console's zone; null when empty or malformed.</summary>
    public DateTimeOffset? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)
            || !DateTime.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var local))
        {
            return null;
        }

        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        var zone = Zone;
        if (zone.IsInvalidTime(unspecified))
        {
            unspecified = unspecified.AddHours(1);
        }

        return new DateTimeOffset(unspecified, zone.GetUtcOffset(unspecified));
    }
}
