namespace Mailroom.Bench;

/// <summary>
/// Every line the benchmark prints exists in English and Simplified Chinese; the language comes
/// from <c>--lang</c>, else from LC_ALL/LANG.
/// </summary>
internal static class Text
{
    public static bool Chinese { get; set; } = FromEnvironment();

    public static string T(string english, string chinese) => Chinese ? chinese : english;

    private static bool FromEnvironment()
    {
        var language = Environment.GetEnvironmentVariable("LC_ALL");
        if (string.IsNullOrEmpty(language))
        {
            language = Environment.GetEnvironmentVariable("LANG");
        }

        return language is not null && language.StartsWith("zh", StringComparison.OrdinalIgnoreCase);
    }
}
