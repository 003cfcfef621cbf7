using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json;

namespace Mailroom.Server.Ui;

/// <summary>
/// Every piece of text the pages show, in English and Simplified Chinese, read from the
/// <c>*Texts.json</c> files each feature folder embeds: <c>{ "key": { "en": "…", "zh": "…" } }</c>.
/// </summary>
/// <remarks>
/// Keeping both languages of a text side by side is what keeps them in step; loading refuses a
/// text missing either language or a key defined twice, so a gap fails the first test run rather
/// than showing a raw key to a person.
/// </remarks>
internal sealed class UiTextCatalog
{
    private readonly FrozenDictionary<string, FrozenDictionary<string, string>> _byLanguage;

    public UiTextCatalog()
        : this(EmbeddedTextFiles())
    {
    }

    internal UiTextCatalog(IEnumerable<(string Name, Stream Content)> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var texts = UiLanguage.All.ToDictionary(language => language, _ => new Dictionary<string, string>(StringComparer.Ordinal));
        foreach (var (name, content) in files)
        {
            using (content)
            {
                Load(name, content, texts);
            }
        }

        _byLanguage = texts.ToFrozenDictionary(pair => pair.Key, pair => pair.Value.ToFrozenDictionary(StringComparer.Ordinal));
    }

    public IEnumerable<string> Keys => _byLanguage[UiLanguage.English].Keys;

    public string Get(string language, string key) =>
        _byLanguage.TryGetValue(language, out var texts) && texts.TryGetValue(key, out var text)
            ? text
            : throw new KeyNotFoundException($"No UI text '{key}' in '{language}'.");

    private static void Load(string name, Stream content, Dictionary<string, Dictionary<string, string>> texts)
    {
        using var document = JsonDocument.Parse(content);
        foreach (var entry in document.RootElement.EnumerateObject())
        {
            foreach (var language in UiLanguage.All)
            {
                if (!entry.Value.TryGetProperty(language, out var text) || text.ValueKind != JsonValueKind.String
                    || string.IsNullOrWhiteSpace(text.GetString()))
                {
                    throw new InvalidDataException($"{name}: text '{entry.Name}' has no '{language}' version.");
                }

                if (!texts[language].TryAdd(entry.Name, text.GetString()!))
                {
                    throw new InvalidDataException($"{name}: text '{entry.Name}' is defined twice.");
                }
            }
        }
    }

    private static IEnumerable<(string, Stream)> EmbeddedTextFiles()
    {
        var assembly = Assembly.GetExecutingAssembly();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.EndsWith("Texts.json", StringComparison.Ordinal)))
        {
            yield return (name, assembly.GetManifestResourceStream(name)!);
        }
    }
}
