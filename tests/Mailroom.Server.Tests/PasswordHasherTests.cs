using Mailroom.Server.Directory;
using Microsoft.Extensions.Options;

namespace Mailroom.Server.Tests;

public sealed class PasswordHasherTests
{
    // MD5("123456"), the classic test vector.
    private const string Md5Of123456 = "e10adc3949ba59abbe56e057f20f883e";

    [Fact]
    public void Md5HexIsLowerCaseHexOfTheUtf8Password()
    {
        Assert.Equal(Md5Of123456, PasswordHasher.Md5Hex("123456"));
        Assert.Equal("d41d8cd98f00b204e9800998ecf8427e", PasswordHasher.Md5Hex(""));
    }

    [Fact]
    public void QuickFormDescribesItself()
    {
        var parts = PasswordHasher.Quick(Md5Of123456).Split('$');
        Assert.Equal(3, parts.Length);
        Assert.Equal("hmac-sha256", parts[0]);
        Assert.Equal(16, Convert.FromBase64String(parts[1]).Length);
        Assert.Equal(32, Convert.FromBase64String(parts[2]).Length);
    }

    [Fact]
    public void SlowFormKeepsTheSaltAndNamesItsIterations()
    {
        var quick = PasswordHasher.Quick(Md5Of123456);
        var parts = Hasher(1234).Harden(quick)!.Split('$');
        Assert.Equal(4, parts.Length);
        Assert.Equal("pbkdf2-sha256-hmac", parts[0]);
        Assert.Equal("1234", parts[1]);
        Assert.Equal(quick.Split('$')[1], parts[2]);
        Assert.Equal(32, Convert.FromBase64String(parts[3]).Length);
    }

    [Fact]
    public void DefaultIterationCountIsOneHundredThousand() =>
        Assert.Equal("100000", new PasswordHasher(new FixedOptions(new PasswordOptions())).Harden(PasswordHasher.Quick(Md5Of123456))!.Split('$')[1]);

    [Fact]
    public void TheSamePasswordHashesDifferentlyEachTime() =>
        Assert.NotEqual(PasswordHasher.Quick(Md5Of123456), PasswordHasher.Quick(Md5Of123456));

    [Fact]
    public void BothFormsVerifyOnlyThePassword()
    {
        var quick = PasswordHasher.Quick(Md5Of123456);
        foreach (var stored in new[] { quick, Hasher(100).Harden(quick)! })
        {
            Assert.True(PasswordHasher.Verify(Md5Of123456, stored));
            Assert.True(PasswordHasher.Verify(Md5Of123456.ToUpperInvariant(), stored));
            Assert.False(PasswordHasher.Verify(PasswordHasher.Md5Hex("1234567"), stored));
            Assert.False(PasswordHasher.Verify("", stored));
        }
    }

    [Fact]
    public void HashesMadeWithAnOtherIterationCountStillVerify()
    {
        var stored = Hasher(50).Harden(PasswordHasher.Quick(Md5Of123456))!;
        Assert.True(PasswordHasher.Verify(Md5Of123456, stored));
        Assert.False(PasswordHasher.Verify(Md5Of123456, stored.Replace("$50$", "$51$", StringComparison.Ordinal)));
    }

    [Fact]
    public void OnlyQuickFormsHarden()
    {
        var slow = Hasher(10).Harden(PasswordHasher.Quick(Md5Of123456))!;
        Assert.Null(Hasher(10).Harden(slow));
        Assert.Null(Hasher(10).Harden("plain"));
        Assert.True(PasswordHasher.IsQuick(PasswordHasher.Quick(Md5Of123456)));
        Assert.False(PasswordHasher.IsQuick(slow));
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain")]
    [InlineData("md5$1$AAAA$AAAA")]
    [InlineData("hmac-sha256$AAAA")]
    [InlineData("hmac-sha256$$AAAA")]
    [InlineData("pbkdf2-sha256-hmac$x$AAAA$AAAA")]
    [InlineData("pbkdf2-sha256-hmac$0$AAAA$AAAA")]
    [InlineData("pbkdf2-sha256-hmac$-5$AAAA$AAAA")]
    [InlineData("pbkdf2-sha256-hmac$100000000$AAAA$AAAA")]
    [InlineData("pbkdf2-sha256-hmac$10$not base64!$AAAA")]
    [InlineData("pbkdf2-sha256-hmac$10$AAAA$")]
    [InlineData("pbkdf2-sha256-hmac$10$AAAA$AAAA$AAAA")]
    public void MalformedStoredHashesNeverVerify(string stored) =>
        Assert.False(PasswordHasher.Verify(Md5Of123456, stored));

    [Theory]
    [InlineData("123456", true)]
    [InlineData("12345", false)]
    [InlineData("密码密码密码", true)]
    [InlineData("密码密码密", false)]
    public void PlaintextPasswordsHaveSixToSixtyFourCharacters(string password, bool accepted)
    {
        Assert.Equal(accepted, PasswordHasher.TryDigest(password, isMd5: false, out var md5));
        Assert.Equal(accepted ? PasswordHasher.Md5Hex(password) : null, md5);
    }

    [Fact]
    public void PlaintextPasswordLimitIsSixtyFourCharactersCountingEmojiAsOne()
    {
        Assert.True(PasswordHasher.TryDigest(new string('x', 64), isMd5: false, out _));
        Assert.False(PasswordHasher.TryDigest(new string('x', 65), isMd5: false, out _));
        Assert.True(PasswordHasher.TryDigest(string.Concat(Enumerable.Repeat("😀", 64)), isMd5: false, out _));
    }

    [Fact]
    public void Md5PasswordsAreThirtyTwoHexDigitsTakenInLowerCase()
    {
        Assert.True(PasswordHasher.TryDigest(Md5Of123456.ToUpperInvariant(), isMd5: true, out var md5));
        Assert.Equal(Md5Of123456, md5);
        Assert.False(PasswordHasher.TryDigest(Md5Of123456[..31], isMd5: true, out _));
        Assert.False(PasswordHasher.TryDigest(Md5Of123456 + "0", isMd5: true, out _));
        Assert.False(PasswordHasher.TryDigest(Md5Of123456[..31] + "g", isMd5: true, out _));
    }

    [Fact]
    public void PlaintextAndItsMd5VerifyAgainstTheSameHash()
    {
        Assert.True(PasswordHasher.TryDigest("123456", isMd5: false, out var fromPlain));
        Assert.True(PasswordHasher.TryDigest(Md5Of123456.ToUpperInvariant(), isMd5: true, out var fromMd5));
        var stored = Hasher(100).Harden(PasswordHasher.Quick(fromPlain))!;
        Assert.True(PasswordHasher.Verify(fromMd5, stored));
    }

    [Fact]
    public void TheStampIsTheSaltSoItSurvivesHardeningAndChangesWithANewPassword()
    {
        var quick = PasswordHasher.Quick(Md5Of123456);
        var again = PasswordHasher.Quick(Md5Of123456);

        Assert.Equal(PasswordHasher.Stamp(quick), PasswordHasher.Stamp(Hasher(10).Harden(quick)!));
        Assert.NotEqual(PasswordHasher.Stamp(quick), PasswordHasher.Stamp(again));
        Assert.Equal(PasswordHasher.Stamp("x"), PasswordHasher.Stamp("x"));
        Assert.NotEqual(PasswordHasher.Stamp("x"), PasswordHasher.Stamp("y"));
    }

    private static PasswordHasher Hasher(int iterations) => new(new FixedOptions(new PasswordOptions { Iterations = iterations }));

    private sealed class FixedOptions(PasswordOptions value) : IOptionsMonitor<PasswordOptions>
    {
        public PasswordOptions CurrentValue => value;

        public PasswordOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<PasswordOptions, string?> listener) => null;
    }
}
