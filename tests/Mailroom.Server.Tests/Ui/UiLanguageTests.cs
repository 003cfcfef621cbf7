using Mailroom.Server.Ui;

namespace Mailroom.Server.Tests.Ui;

public sealed class UiLanguageTests
{
    [Theory]
    [InlineData("", "en")]
    [InlineData("zh-CN,zh;q=0.9,en;q=0.8", "zh")]
    [InlineData("zh-Hans", "zh")]
    [InlineData("zh-TW", "zh")]
    [InlineData("en-US,en;q=0.9,zh-CN;q=0.8", "en")]
    [InlineData("fr-FR,zh;q=0.5,en;q=0.4", "zh")]
    [InlineData("fr-FR, de;q=0.5", "en")]
    [InlineData("en;q=0.2, zh;q=0.7", "zh")]
    [InlineData("zh;q=0, en;q=0.1", "en")]
    [InlineData("zh;q=abc", "zh")]
    [InlineData(",,;;q=", "en")]
    public void AcceptLanguagePicksTheMostPreferredSupportedLanguage(string header, string expected) =>
        Assert.Equal(expected, UiLanguage.FromAcceptLanguage(header));
}
