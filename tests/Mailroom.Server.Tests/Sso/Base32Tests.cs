using System.Text;
using Mailroom.Server.Sso;

namespace Mailroom.Server.Tests.Sso;

public sealed class Base32Tests
{
    // RFC 4648 §10, without the padding authenticator apps do not want.
    [Theory]
    [InlineData("", "")]
    [InlineData("f", "MY")]
    [InlineData("fo", "MZXQ")]
    [InlineData("foo", "MZXW6")]
    [InlineData("foob", "MZXW6YQ")]
    [InlineData("fooba", "MZXW6YTB")]
    [InlineData("foobar", "MZXW6YTBOI")]
    public void EncodesAsRfc4648(string data, string encoded)
    {
        Assert.Equal(encoded, Base32.Encode(Encoding.ASCII.GetBytes(data)));
        Assert.True(Base32.TryDecode(encoded, out var decoded));
        Assert.Equal(data, Encoding.ASCII.GetString(decoded));
    }

    [Fact]
    public void DecodesLowerCaseSpacesAndPadding()
    {
        Assert.True(Base32.TryDecode("mzxw 6ytb oi======", out var decoded));
        Assert.Equal("foobar", Encoding.ASCII.GetString(decoded));
    }

    [Theory]
    [InlineData("MZXW1")]
    [InlineData("MZ-XW")]
    public void RefusesCharactersOutsideTheAlphabet(string text) => Assert.False(Base32.TryDecode(text, out _));
}
