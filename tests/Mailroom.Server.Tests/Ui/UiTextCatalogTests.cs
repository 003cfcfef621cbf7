using System.Text;
using System.Text.RegularExpressions;
using Mailroom.Server.Ui;

namespace Mailroom.Server.Tests.Ui;

public sealed partial class UiTextCatalogTests
{
    [Fact]
    public void EveryTextExistsInBothLanguages()
    {
        var catalog = new UiTextCatalog();

        Assert.NotEmpty(catalog.Keys);
        foreach (var key in catalog.Keys)
        {
            Assert.False(string.IsNullOrWhiteSpace(catalog.Get(UiLanguage.English, key)), key);
            Assert.False(string.IsNullOrWhiteSpace(catalog.Get(UiLanguage.Chinese, key)), key);
        }
    }

    [Fact]
    public void ATextMissingALanguageIsRefusedAtLoad()
    {
        var error = Assert.Throws<InvalidDataException>(() => Load("""{ "a.b": { "en": "Hello" } }"""));
        Assert.Contains("'a.b' has no 'zh'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AKeyDefinedTwiceIsRefusedAtLoad() =>
        Assert.Throws<InvalidDataException>(() => Load(
            """{ "a": { "en": "A", "zh": "甲" } }""",
            """{ "a": { "en": "A2", "zh": "甲2" } }"""));

    [Fact]
    public void EveryTextAPageAsksForExists()
    {
        var catalog = new UiTextCatalog();
        var used = 0;
        foreach (var page in SourceTree.ServerFiles())
        {
            foreach (Match match in TextUse().Matches(File.ReadAllText(page)))
            {
                used++;
                var key = match.Groups["key"].Value;
                Assert.True(catalog.Keys.Contains(key), $"{Path.GetFileName(page)} asks for the missing text '{key}'.");
            }
        }

        Assert.True(used > 0);
    }

    private static UiTextCatalog Load(params string[] files) =>
        new(files.Select((json, i) => ($"file{i}", (Stream)new MemoryStream(Encoding.UTF8.GetBytes(json)))));

    // T["key"] and T.Format("key", …) in pages and page models.
    [GeneratedRegex("""\bT(?:\[|\.Format\()"(?<key>[a-z0-9_.-]+)"[\],]""")]
    private static partial Regex TextUse();
}
