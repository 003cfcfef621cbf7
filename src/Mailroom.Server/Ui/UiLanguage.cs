namespace Mailroom.Server.Ui;

/// <summary>
/// The two languages every page exists in, and how a request picks one: the switch's cookie
/// first, then the browser's <c>Accept-Language</c> (RFC 9110 12.5.4, by q-value), else English.
/// </summary>
/// <remarks>
/// The server runs with invariant globalization, so this does not go through <c>CultureInfo</c>:
/// pages format dates and numbers in fixed, language-neutral forms.
/// </remarks>
internal static class UiLanguage
{
    public const string English = "en";
    public const string Chinese = "zh";
    public const string CookieName = "mailroom-lang";

    public static IReadOnlyList<string> All { get; } = [English, Chinese];

    public static bool IsSupported(string? language) => language is English or Chinese;

    public static string Resolve(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Cookies.TryGetValue(CookieName, out var chosen) && IsSupported(chosen))
        {
            return chosen!;
        }

        return FromAcceptLanguage(request.Headers.AcceptLanguage.ToString());
    }

    /// <summary>The supported language the header prefers most; English when it names neither.</summary>
    public static string FromAcceptLanguage(string header)
    {
        var best = English;
        var bestQuality = 0.0;
        foreach (var range in (header ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = range.Split(';', StringSplitOptions.TrimEntries);
            var language = Match(parts[0]);
            var quality = Quality(parts);
            if (language is not null && quality > bestQuality)
            {
                (best, bestQuality) = (language, quality);
            }
        }

        return best;
    }

    private static string? Match(string tag)
    {
        var primary = tag.Split('-', 2)[0];
        if (primary.Equals("zh", StringComparison.OrdinalIgnoreCase))
        {
            return Chinese;
        }

        return primary.Equals("en", StringComparison.OrdinalIgnoreCase) ? English : null;
    }

    private static double Quality(string[] parameters)
    {
        foreach (var parameter in parameters.AsSpan(1))
        {
            if (parameter.StartsWith("q=", StringComparison.OrdinalIgnoreCase)
                && double.TryParse(parameter.AsSpan(2), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var q))
            {
                return Math.Clamp(q, 0, 1);
            }
        }

        return 1;
    }
}
