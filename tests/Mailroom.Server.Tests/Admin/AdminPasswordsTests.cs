using Mailroom.Server.Admin;
using Mailroom.Server.Directory;
using Microsoft.Extensions.Options;

namespace Mailroom.Server.Tests.Admin;

public sealed class AdminPasswordsTests
{
    private readonly AdminPasswords _passwords = new(new PasswordHasher(new FixedOptions(new PasswordOptions { Iterations = 1000 })));

    [Fact]
    public void StoresTheSlowFormThatVerifiesOnlyTheRightPassword()
    {
        var stored = _passwords.Hash("correct horse");

        Assert.StartsWith(PasswordHasher.SlowScheme + "$1000$", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("correct horse", stored, StringComparison.Ordinal);
        Assert.True(_passwords.Verify("correct horse", stored));
        Assert.False(_passwords.Verify("correct horsE", stored));
        Assert.NotEqual(stored, _passwords.Hash("correct horse"));
    }

    [Fact]
    public void NoStoredPasswordNeverVerifies() => Assert.False(_passwords.Verify("anything", null));

    [Theory]
    [InlineData("1234567", false)]
    [InlineData("12345678", true)]
    [InlineData("八个汉字的密码啊", true)]
    [InlineData("tab\there", false)]
    public void AcceptsEightTo128CharactersWithoutControls(string password, bool acceptable) =>
        Assert.Equal(acceptable, AdminPasswords.IsAcceptable(password));

    [Fact]
    public void GeneratedPasswordsAreLongAndDistinct()
    {
        var a = AdminPasswords.Generate();
        Assert.Equal(20, a.Length);
        Assert.True(AdminPasswords.IsAcceptable(a));
        Assert.NotEqual(a, AdminPasswords.Generate());
    }

    private sealed class FixedOptions(PasswordOptions value) : IOptionsMonitor<PasswordOptions>
    {
        public PasswordOptions CurrentValue => value;

        public PasswordOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<PasswordOptions, string?> listener) => null;
    }
}
