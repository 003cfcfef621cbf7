using System.Net;

namespace Mailroom.IntegrationTests;

public sealed class ServerTests : IClassFixture<ServerFixture>
{
    private readonly MailroomApp _app;

    public ServerTests(ServerFixture fixture) => _app = fixture.App;

    [Fact]
    public void TestsTalkToARealLoopbackListener()
    {
        Assert.True(IPAddress.IsLoopback(IPAddress.Parse(_app.BaseAddress.Host == "localhost" ? "127.0.0.1" : _app.BaseAddress.Host)));
        Assert.NotEqual(80, _app.BaseAddress.Port);
    }

    [Fact]
    public async Task UnknownPathIs404WithProtocolBody()
    {
        var response = await ApiResponse.SendAsync(_app.Client, new HttpRequestMessage(HttpMethod.Get, "/openapi/no/such"));
        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("1001", response.Json.GetProperty("errcode").GetString());
        Assert.Equal("invalid_request", response.Json.GetProperty("error").GetString());
    }
}
