using System.Text;
using Mailroom.Server.Protocol;
using Microsoft.AspNetCore.Http;

namespace Mailroom.Server.Tests.Protocol;

public sealed class RequestParametersTests
{
    [Theory]
    [InlineData("PartyPath[]")]
    [InlineData("PartyPath[0]")]
    [InlineData("partypath[12]")]
    [InlineData(" PARTYPATH ")]
    public void BracketAndCaseFormsNameOneParameter(string name) =>
        Assert.Equal("PartyPath", RequestParameters.NormalizeName(name), ignoreCase: true);

    [Fact]
    public async Task RepeatedValuesKeepTheirOrderQueryFirst()
    {
        var parameters = await ReadAsync("PartyPath[1]=b&PartyPath[0]=a", "slave=x@d.com&Slave=y@d.com&PartyPath[]=c");
        Assert.Equal(["b", "a", "c"], parameters.GetAll("PartyPath"));
        Assert.Equal(["x@d.com", "y@d.com"], parameters.GetAll("slave"));
    }

    [Fact]
    public async Task CommaSeparatedListsSplitOnlyWhenAsked()
    {
        var parameters = await ReadAsync("", "members=a@d.com, b@d.com&members=c@d.com");
        Assert.Equal(["a@d.com", "b@d.com", "c@d.com"], parameters.GetAll("members", splitCommas: true));
        Assert.Equal(["a@d.com, b@d.com", "c@d.com"], parameters.GetAll("members"));
    }

    [Fact]
    public async Task BodyWinsThenTheLastValue()
    {
        var parameters = await ReadAsync("alias=q1&alias=q2", "alias=b1&alias=b2");
        Assert.Equal("b2", parameters.Get("Alias"));
        Assert.Equal("q2", (await ReadAsync("alias=q1&alias=q2", "")).Get("alias"));
    }

    [Fact]
    public async Task EmptyAndAbsentAreTheSame()
    {
        var parameters = await ReadAsync("", "Name=&Tel&Mobile=%20");
        Assert.False(parameters.Has("Name"));
        Assert.False(parameters.Has("Tel"));
        Assert.False(parameters.Has("Mobile"));
        Assert.False(parameters.Has("Position"));
        Assert.Equal("", parameters.Get("Position"));
    }

    [Fact]
    public async Task RawUtf8AndEscapesDecodeToTheSameText()
    {
        var raw = await ReadAsync("", "DstPath=/IT部/产品");
        var escaped = await ReadAsync("", "DstPath=%2FIT%E9%83%A8%2F%E4%BA%A7%E5%93%81");
        Assert.Equal("/IT部/产品", raw.Get("DstPath"));
        Assert.Equal(raw.Get("DstPath"), escaped.Get("DstPath"));
    }

    [Fact]
    public async Task PlusIsASpaceAndBrokenEscapesStayLiteral()
    {
        var parameters = await ReadAsync("", "Name=Bob+Smith&Position=100%&Tel=%zz1");
        Assert.Equal("Bob Smith", parameters.Get("Name"));
        Assert.Equal("100%", parameters.Get("Position"));
        Assert.Equal("%zz1", parameters.Get("Tel"));
    }

    [Fact]
    public async Task JsonScalarsAndArraysBecomeValues()
    {
        var parameters = await ReadAsync("", """{"Alias":"a@d.com","Gender":1,"Md5":true,"Slave":["x@d.com","y@d.com"],"ExtId":null}""");
        Assert.Equal("a@d.com", parameters.Get("alias"));
        Assert.Equal("1", parameters.Get("gender"));
        Assert.Equal("1", parameters.Get("md5"));
        Assert.Equal(["x@d.com", "y@d.com"], parameters.GetAll("slave"));
        Assert.False(parameters.Has("ExtId"));
    }

    [Theory]
    [InlineData("{\"a\":{\"b\":1}}")]
    [InlineData("{\"a\":[[1]]}")]
    [InlineData("{\"a\":1} trailing")]
    [InlineData("{\"a\":")]
    public async Task JsonThatIsNotAFlatObjectIsRefused(string body) =>
        Assert.Equal("1001", (await ReadResultAsync("", body)).Error?.Code);

    [Fact]
    public async Task InvalidUtf8IsRefused()
    {
        var context = Context("", [0x61, 0x3D, 0xC3, 0x28]);
        var result = await RequestParameterReader.ReadAsync(context.Request, new ProtocolLimits(), CancellationToken.None);
        Assert.Equal("1001", result.Error?.Code);
    }

    [Fact]
    public async Task TooManyParametersAreRefused()
    {
        var body = string.Join('&', Enumerable.Range(0, 11).Select(i => $"p{i}=1"));
        var result = await RequestParameterReader.ReadAsync(Context("", Encoding.UTF8.GetBytes(body)).Request, new ProtocolLimits { MaxParameters = 10 }, CancellationToken.None);
        Assert.Same(ProtocolErrors.TooManyParameters, result.Error);
    }

    private static async Task<RequestParameters> ReadAsync(string query, string body)
    {
        var result = await ReadResultAsync(query, body);
        Assert.False(result.IsError, result.Error?.Message);
        return result.Value!;
    }

    private static ValueTask<Result<RequestParameters>> ReadResultAsync(string query, string body) =>
        RequestParameterReader.ReadAsync(Context(query, Encoding.UTF8.GetBytes(body)).Request, new ProtocolLimits(), CancellationToken.None);

    private static DefaultHttpContext Context(string query, byte[] body)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.QueryString = query.Length == 0 ? QueryString.Empty : new QueryString("?" + query);
        context.Request.Body = new MemoryStream(body);
        context.Request.ContentLength = body.Length;
        return context;
    }
}
