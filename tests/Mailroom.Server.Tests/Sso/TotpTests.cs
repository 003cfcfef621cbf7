using System.Text;
using Mailroom.Server.Sso;

namespace Mailroom.Server.Tests.Sso;

public sealed class TotpTests
{
    // RFC 6238 Appendix B: the SHA-1 seed, and the 8-digit codes of its table, of which a 6-digit
    // code is the last six digits (the truncation is modulo 10^digits).
    private static readonly byte[] Seed = Encoding.ASCII.GetBytes("12345678901234567890");

    [Theory]
    [InlineData(59, "287082")]
    [InlineData(1111111109, "081804")]
    [InlineData(1111111111, "050471")]
    [InlineData(1234567890, "005924")]
    [InlineData(2000000000, "279037")]
    [InlineData(20000000000, "353130")]
    public void CodesAreThoseOfRfc6238(long unixSeconds, string code)
    {
        var time = DateTimeOffset.FromUnixTimeSeconds(unixSeconds);
        Assert.Equal(code, Totp.Code(Seed, Totp.StepAt(time)));
        Assert.Equal(Totp.StepAt(time), Totp.Match(Seed, code, time, long.MinValue));
    }

    [Fact]
    public void OneStepEitherSideIsAcceptedAndNoMore()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_015);
        var step = Totp.StepAt(now);
        for (var offset = -3; offset <= 3; offset++)
        {
            var matched = Totp.Match(Seed, Totp.Code(Seed, step + offset), now, long.MinValue);
            Assert.Equal(Math.Abs(offset) <= 1 ? step + offset : null, matched);
        }
    }

    [Fact]
    public void AStepAlreadyUsedIsNotAcceptedAgain()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_015);
        var step = Totp.StepAt(now);
        var code = Totp.Code(Seed, step);

        Assert.Null(Totp.Match(Seed, code, now, lastUsedStep: step));
        Assert.Null(Totp.Match(Seed, Totp.Code(Seed, step - 1), now, lastUsedStep: step));
        Assert.Equal(step + 1, Totp.Match(Seed, Totp.Code(Seed, step + 1), now, lastUsedStep: step));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("12a456")]
    public void SomethingThatIsNotSixDigitsMatchesNothing(string? code) =>
        Assert.Null(Totp.Match(Seed, code, DateTimeOffset.UtcNow, long.MinValue));

    [Fact]
    public void SpacesAndDashesInATypedCodeAreIgnored()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(59);
        Assert.NotNull(Totp.Match(Seed, "287 082", now, long.MinValue));
        Assert.NotNull(Totp.Match(Seed, "287-082", now, long.MinValue));
    }

    [Fact]
    public void TheKeyUriNamesIssuerAccountAndParameters()
    {
        var uri = Totp.KeyUri("Mailroom", "bob@corp.example", Seed);
        Assert.Equal(
            "otpauth://totp/Mailroom:bob%40corp.example?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Mailroom&algorithm=SHA1&digits=6&period=30",
            uri);
    }

    [Fact]
    public void NewSecretsAre160RandomBits()
    {
        var a = Totp.NewSecret();
        Assert.Equal(20, a.Length);
        Assert.NotEqual(a, Totp.NewSecret());
    }
}
