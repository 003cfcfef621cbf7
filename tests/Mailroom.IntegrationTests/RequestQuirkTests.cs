using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Mailroom.IntegrationTests;

/// <summary>
/// The request forms of PROTOCOL.md §2.1 and §9. user/get of an unknown member in the caller's
/// own domain answers user_not_found only when the alias was read exactly right: a misread alias
/// gives invalid_alias, a lost one invalid_request.
/// </summary>
public sealed class RequestQuirkTests : IClassFixture<ServerFixture>
{
    private readonly MailroomApp _app;

    public RequestQuirkTests(ServerFixture fixture) => _app = fixture.App;

    [Fact]
    public async Task PostWithEverythingInTheQueryStringAndAnEmptyBody()
    {
        var e = await _app.CreateEnterpriseAsync();
        var response = await SendAsync(e, HttpMethod.Post, $"/openapi/user/get?alias={e.Address("q")}", new ByteArrayContent([]));
        response.AssertError("1301", "user_not_found");
    }

    [Fact]
    public async Task UrlencodedBodyLabelledJson()
    {
        var e = await _app.CreateEnterpriseAsync();
        var response = await SendAsync(e, HttpMethod.Post, "/openapi/user/get", Raw($"alias={e.Address("j")}", "application/json"));
        response.AssertError("1301", "user_not_found");
    }

    [Fact]
    public async Task UrlencodedBodyWithoutContentType()
    {
        var e = await _app.CreateEnterpriseAsync();
        var response = await SendAsync(e, HttpMethod.Post, "/openapi/user/get", Raw($"alias={e.Address("n")}", contentType: null));
        response.AssertError("1301", "user_not_found");
    }

    [Fact]
    public async Task MultipartBody()
    {
        var e = await _app.CreateEnterpriseAsync();
        var content = new MultipartFormDataContent { { new StringContent(e.Address("m")), "alias" } };
        var response = await SendAsync(e, HttpMethod.Post, "/openapi/user/get", content);
        response.AssertError("1301", "user_not_found");
    }

    [Fact]
    public async Task JsonObjectBody()
    {
        var e = await _app.CreateEnterpriseAsync();
        var response = await SendAsync(e, HttpMethod.Post, "/openapi/user/get", Raw($$"""{"Alias": "{{e.Address("js")}}", "extra": [1, true, null]}""", "application/json"));
        response.AssertError("1301", "user_not_found");
    }

    [Fact]
    public async Task GetWithQueryString()
    {
        var e = await _app.CreateEnterpriseAsync();
        var response = await SendAsync(e, HttpMethod.Get, $"/openapi/user/get?Alias={Uri.EscapeDataString(e.Address("g"))}", content: null);
        response.AssertError("1301", "user_not_found");
    }

    [Theory]
    [InlineData("ALIAS")]
    [InlineData("Alias")]
    [InlineData("alias ")]
    [InlineData(" aLiAs")]
    public async Task ParameterNamesIgnoreCaseAndSpaces(string name)
    {
        var e = await _app.CreateEnterpriseAsync();
        var response = await SendAsync(e, HttpMethod.Post, "/openapi/user/get", Raw($"{Uri.EscapeDataString(name)}={e.Address("c")}", "application/x-www-form-urlencoded"));
        response.AssertError("1301", "user_not_found");
    }

    [Fact]
    public async Task ValuesAreTrimmed()
    {
        // The published text itself sends "alias= test2@gzservice.com".
        var e = await _app.CreateEnterpriseAsync();
        var response = await SendAsync(e, HttpMethod.Post, "/openapi/user/get", Raw($"alias= {e.Address("t")} ", "application/x-www-form-urlencoded"));
        response.AssertError("1301", "user_not_found");
    }

    [Fact]
    public async Task PercentEscapesDecodeExactlyOnce()
    {
        var e = await _app.CreateEnterpriseAsync();
        var once = await SendAsync(e, HttpMethod.Post, "/openapi/user/get", Raw($"alias=o%40{e.Domain}", "application/x-www-form-urlencoded"));
        once.AssertError("1301", "user_not_found");

        // %2540 is a literal "%40", which no address contains.
        var twice = await SendAsync(e, HttpMethod.Post, "/openapi/user/get", Raw($"alias=o%2540{e.Domain}", "application/x-www-form-urlencoded"));
        twice.AssertError("1303", "invalid_alias");
    }

    [Fact]
    public async Task BareKeyIsAnEmptyValue()
    {
        var e = await _app.CreateEnterpriseAsync();
        var response = await SendAsync(e, HttpMethod.Post, "/openapi/user/get", Raw("alias&other=1", "application/x-www-form-urlencoded"));
        response.AssertError("1001", "invalid_request");
        Assert.Contains("Alias", response.Json.GetProperty("errmsg").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BodyValueWinsOverQueryValue()
    {
        var e = await _app.CreateEnterpriseAsync();
        var response = await SendAsync(e, HttpMethod.Post, "/openapi/user/get?alias=not-an-address", Raw($"alias={e.Address("b")}", "application/x-www-form-urlencoded"));
        response.AssertError("1301", "user_not_found");
    }

    [Fact]
    public async Task LastValueWinsWithoutConcatenation()
    {
        var e = await _app.CreateEnterpriseAsync();
        var response = await SendAsync(e, HttpMethod.Post, "/openapi/user/get", Raw($"alias=junk&alias={e.Address("l")}", "application/x-www-form-urlencoded"));
        response.AssertError("1301", "user_not_found");
    }

    [Theory]
    [InlineData("/openapi/user/get")]
    [InlineData("/OPENAPI/User/Get")]
    [InlineData("/openapi/user/get/")]
    public async Task PathsIgnoreCaseAndTrailingSlash(string path)
    {
        var e = await _app.CreateEnterpriseAsync();
        var response = await SendAsync(e, HttpMethod.Post, path, Raw($"alias={e.Address("p")}", "application/x-www-form-urlencoded"));
        response.AssertError("1301", "user_not_found");
    }

    [Fact]
    public async Task ChineseErrorMessagesOnRequest()
    {
        var e = await _app.CreateEnterpriseAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, "/openapi/user/get") { Content = Raw($"alias={e.Address("zh")}", null) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", e.Token);
        request.Headers.AcceptLanguage.ParseAdd("zh-CN");
        var response = await e.SendAsync(request);
        response.AssertError("1301", "user_not_found");
        Assert.Contains("\\u", response.Body, StringComparison.Ordinal);
        Assert.All(response.Body, c => Assert.True(c < 128));
        Assert.Contains("成员", response.Json.GetProperty("errmsg").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeepAliveConnectionServesSeveralCalls()
    {
        var e = await _app.CreateEnterpriseAsync();
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1 };
        using var client = new HttpClient(handler) { BaseAddress = _app.BaseAddress };
        for (var i = 0; i < 5; i++)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/openapi/user/get") { Content = Raw($"alias={e.Address("k")}", null) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", e.Token);
            var response = await ApiResponse.SendAsync(client, request);
            response.AssertError("1301", "user_not_found");
            Assert.False(response.Message.Headers.ConnectionClose ?? false);
        }
    }

    internal static ByteArrayContent Raw(string body, string? contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    private static Task<ApiResponse> SendAsync(TestEnterprise e, HttpMethod method, string path, HttpContent? content)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", e.Token);
        return e.SendAsync(request);
    }
}
