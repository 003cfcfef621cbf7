using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Mailroom.Server.Storage;

namespace Mailroom.IntegrationTests;

/// <summary>Hostile or broken requests get a protocol error or 413 — never a 5xx, never a change.</summary>
public sealed class BadInputTests : IClassFixture<ServerFixture>
{
    private readonly MailroomApp _app;

    public BadInputTests(ServerFixture fixture) => _app = fixture.App;

    public static TheoryData<string> Endpoints => ["/openapi/user/get", "/cgi-bin/token"];

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task RandomBytesAreRefusedCleanly(string path)
    {
        var e = await _app.CreateEnterpriseAsync();
        var random = new Random(20261129);
        for (var i = 0; i < 20; i++)
        {
            var bytes = new byte[random.Next(1, 4096)];
            random.NextBytes(bytes);
            var response = await SendAsync(e, path, new ByteArrayContent(bytes));
            AssertCleanRefusal(response);
        }

        await AssertNothingChangedAsync(e);
    }

    [Fact]
    public async Task InvalidUtf8IsInvalidRequest()
    {
        var e = await _app.CreateEnterpriseAsync();
        var body = Encoding.ASCII.GetBytes("alias=").Concat(new byte[] { 0xC3, 0x28, 0xFF }).ToArray();
        var response = await SendAsync(e, "/openapi/user/get", new ByteArrayContent(body));
        response.AssertError("1001", "invalid_request");

        var escaped = await SendAsync(e, "/openapi/user/get", RequestQuirkTests.Raw("alias=%C3%28%FF", null));
        escaped.AssertError("1001", "invalid_request");
        await AssertNothingChangedAsync(e);
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task TwoMebibyteBodyIs413(string path)
    {
        var e = await _app.CreateEnterpriseAsync();
        var body = "alias=" + new string('a', 2 * 1024 * 1024);
        var response = await SendAsync(e, path, RequestQuirkTests.Raw(body, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.Status);
        Assert.Equal("1001", response.Json.GetProperty("errcode").GetString());
        await AssertNothingChangedAsync(e);
    }

    [Fact]
    public async Task ChunkedBodyOverTheLimitIs413()
    {
        var e = await _app.CreateEnterpriseAsync();
        var content = new StreamContent(new MemoryStream(new byte[2 * 1024 * 1024]));
        var request = new HttpRequestMessage(HttpMethod.Post, "/openapi/user/get") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", e.Token);
        var response = await e.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.Status);
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task TwentyThousandParametersAreRefused(string path)
    {
        var e = await _app.CreateEnterpriseAsync();
        var body = string.Join('&', Enumerable.Range(0, 20_000).Select(i => $"p{i}={i}"));
        var response = await SendAsync(e, path, RequestQuirkTests.Raw(body, "application/x-www-form-urlencoded"));
        Assert.Equal("1001", response.Json.GetProperty("errcode").GetString());
        Assert.True((int)response.Status < 500);
        await AssertNothingChangedAsync(e);
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task DeepJsonIsInvalidRequest(string path)
    {
        var e = await _app.CreateEnterpriseAsync();
        var body = "{\"alias\":" + new string('[', 10_000) + new string(']', 10_000) + "}";
        var response = await SendAsync(e, path, RequestQuirkTests.Raw(body, "application/json"));
        Assert.Equal("1001", response.Json.GetProperty("errcode").GetString());
        Assert.True((int)response.Status < 500);

        var nested = await SendAsync(e, path, RequestQuirkTests.Raw("{\"alias\":{\"a\":1}}", "application/json"));
        Assert.Equal("1001", nested.Json.GetProperty("errcode").GetString());
        await AssertNothingChangedAsync(e);
    }

    [Fact]
    public async Task HugeSingleValueIsRefused()
    {
        var e = await _app.CreateEnterpriseAsync();
        var response = await SendAsync(e, "/openapi/user/get", RequestQuirkTests.Raw("alias=" + new string('x', 900_000) + "@" + e.Domain, null));
        response.AssertError("1303", "invalid_alias");
        await AssertNothingChangedAsync(e);
    }

    [Fact]
    public async Task BrokenMultipartIsInvalidRequest()
    {
        var e = await _app.CreateEnterpriseAsync();
        var content = RequestQuirkTests.Raw("--xyz\r\nContent-Disposition: form-data; name=\"alias\"\r\n\r\nunterminated", "multipart/form-data; boundary=xyz");
        var response = await SendAsync(e, "/openapi/user/get", content);
        Assert.Equal("1001", response.Json.GetProperty("errcode").GetString());
        Assert.True((int)response.Status < 500);
    }

    private static void AssertCleanRefusal(ApiResponse response)
    {
        Assert.True((int)response.Status < 500, $"{(int)response.Status}: {response.Body}");
        Assert.False(string.IsNullOrEmpty(response.Json.GetProperty("errcode").GetString()));
    }

    private static Task<ApiResponse> SendAsync(TestEnterprise e, string path, HttpContent content)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", e.Token);
        return e.SendAsync(request);
    }

    // Refused calls may only add operation-log lines: the directory and its version stay as they were.
    private async Task AssertNothingChangedAsync(TestEnterprise e)
    {
        var (version, members, created) = await _app.Get<IDatabase>().ReadAsync(
            async session => (
                await EnterpriseStore.VersionAsync(session, e.Id),
                (await EnterpriseStore.ListAsync(session)).Single(x => x.Id == e.Id).Members,
                (await EnterpriseStore.ListAsync(session)).Single(x => x.Id == e.Id).CreatedAt),
            TestContext.Current.CancellationToken);
        Assert.Equal(created.ToUnixTimeMilliseconds(), version);
        Assert.Equal(0, members);
    }
}
