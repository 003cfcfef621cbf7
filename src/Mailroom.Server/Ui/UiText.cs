using System.Globalization;

namespace Mailroom.Server.Ui;

/// <summary>
/// The texts of one request's language; pages get it injected as <c>T</c>. The language is
/// English until <see cref="UiLanguageFilter"/> sets the request's, before the page's handler runs.
/// </summary>
internal sealed class UiText(UiTextCatalog catalog)
{
    public string Language { get; private set; } = UiLanguage.English;

    /// <summary>Chooses the request's language, as <see cref="UiLanguage.Resolve"/> found it.</summary>
    public void Use(string language) => Language = language;

    /// <summary>The BCP 47 tag for the page's <c>lang</c> attribute.</summary>
    public string HtmlLang => Language == UiLanguage.Chinese ? "zh-Hans" : "en";

    public string this[string key] => catalog.Get(Language, key);

    /// <summary>A text with <c>{0}</c>-style placeholders filled in.</summary>
    public string Format(string key, params object?[] values) =>
        string.Format(CultureInfo.InvariantCulture, catalog.Get(Language, key), values);
}
