using Mailroom.Server.Webmail;

namespace Mailroom.Server.Tests.Webmail;

public sealed class DownloadNameTests
{
    [Theory]
    [InlineData("report.pdf", "report.pdf")]
    [InlineData("报告 2026.xlsx", "报告 2026.xlsx")]
    [InlineData("../../etc/passwd", "_.._etc_passwd")]
    [InlineData("C:\\Windows\\win.ini", "C__Windows_win.ini")]
    [InlineData("a<b>c:d\"e|f?g*h.txt", "a_b_c_d_e_f_g_h.txt")]
    [InlineData("invoice\u202Etxt.exe", "invoicetxt.exe")]
    [InlineData("line\r\nbreak\t.txt", "linebreak.txt")]
    [InlineData("  .hidden.  ", "hidden")]
    [InlineData("CON.txt", "_CON.txt")]
    [InlineData("nul", "_nul")]
    [InlineData("", "fallback")]
    [InlineData("...", "fallback")]
    [InlineData(null, "fallback")]
    public void NamesLoseWhatCouldMisleadOrEscape(string? name, string expected) =>
        Assert.Equal(expected, DownloadName.Safe(name, "fallback"));

    [Fact]
    public void ALongNameIsCutKeepingItsExtension()
    {
        var name = DownloadName.Safe(new string('a', 300) + ".docx", "fallback");

        Assert.Equal(DownloadName.MaxLength, name.Length);
        Assert.EndsWith("a.docx", name, StringComparison.Ordinal);
    }

    [Fact]
    public void ACutNeverSplitsASurrogatePair()
    {
        var name = DownloadName.Safe(new string('a', DownloadName.MaxLength - 5) + string.Concat(Enumerable.Repeat("😀", 10)) + ".png", "fallback");

        Assert.True(name.Length <= DownloadName.MaxLength);
        Assert.False(char.IsHighSurrogate(name[^5]), name);
        Assert.EndsWith(".png", name, StringComparison.Ordinal);
    }
}
