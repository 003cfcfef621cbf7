using System.Net;
using Mailroom.Server.Admin;

namespace Mailroom.IntegrationTests;

/// <summary>The allowed client addresses and the rate limit of an enterprise (PROTOCOL.md §8, §3.1 ip_freq_block).</summary>
public sealed class AccessControlTests : IClassFixture<ServerFixture>
{
    private readonly MailroomApp _app;

    public AccessControlTests(ServerFixture fixture) => _app = fixture.App;

    [Fact]
    public async Task TheTestClientCallsFromIPv4Loopback()
    {
        // The address checks below rely on it.
        Assert.Equal("127.0.0.1", _app.BaseAddress.Host);
        var enterprise = await _app.CreateEnterpriseAsync();
        await SetAccessAsync(enterprise, "127.0.0.1", null);
        Assert.True(await Calls.TokenWorksAsync(_app.Client, enterprise.Token, enterprise.Domain));
    }

    [Fact]
    public async Task AnAddressOutsideTheAllowedListIsBlocked()
    {
        var enterprise = await _app.CreateEnterpriseAsync();

        await SetAccessAsync(enterprise, "10.0.0.0/8", null);

        var call = await enterprise.PostAsync("/openapi/user/get", ("alias", enterprise.Address("nobody")));
        call.AssertError("1202", "ip_freq_block");
        var token = await Calls.TokenAsync(_app.Client, enterprise.ClientId, enterprise.Secret);
        Assert.Equal(HttpStatusCode.TooManyRequests, token.Status);
        Assert.Equal("1202", token.ErrCode);
        Assert.Equal("ip_freq_block", token.Json.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.0.0.0/8, 127.0.0.0/8")]
    [InlineData("192.0.2.7;127.0.0.1")]
    [InlineData("::1 127.0.0.1/32")]
    [InlineData("")]
    public async Task AnAllowedAddressMayCall(string allowed)
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        await SetAccessAsync(enterprise, "10.0.0.0/8", null);
        (await enterprise.PostAsync("/openapi/user/get", ("alias", enterprise.Address("nobody")))).AssertError("1202", "ip_freq_block");

        await SetAccessAsync(enterprise, allowed, null);

        (await enterprise.PostAsync("/openapi/user/get", ("alias", enterprise.Address("nobody")))).AssertError("1301", "user_not_found");
        Assert.Equal(HttpStatusCode.OK, (await Calls.TokenAsync(_app.Client, enterprise.ClientId, enterprise.Secret)).Status);
    }

    [Fact]
    public async Task TheAllowedListOfOneEnterpriseDoesNotAffectAnother()
    {
        var blocked = await _app.CreateEnterpriseAsync();
        var open = await _app.CreateEnterpriseAsync();

        await SetAccessAsync(blocked, "10.0.0.0/8", null);

        (await blocked.PostAsync("/openapi/user/get", ("alias", blocked.Address("nobody")))).AssertError("1202", "ip_freq_block");
        (await open.PostAsync("/openapi/user/get", ("alias", open.Address("nobody")))).AssertError("1301", "user_not_found");
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("localhost")]
    [InlineData("10.0.0.1, nonsense")]
    public async Task AMalformedAllowedListIsRefusedAndChangesNothing(string allowed)
    {
        var enterprise = await _app.CreateEnterpriseAsync();

        var result = await _app.Get<EnterpriseService>().SetAccessAsync(enterprise.ClientId, allowed, null, TestContext.Current.CancellationToken);

        Assert.True(result.IsError);
        Assert.Equal("1001", result.Error!.Code);
        Assert.True(await Calls.TokenWorksAsync(_app.Client, enterprise.Token, enterprise.Domain));
    }

    [Fact]
    public async Task ABurstAboveTheRateLimitIsToldToRetryLater()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        await SetAccessAsync(enterprise, null, 5);

        var answers = new List<ApiResponse>();
        for (var i = 0; i < 40; i++)
        {
            answers.Add(await enterprise.PostAsync("/openapi/user/get", ("alias", enterprise.Address("nobody"))));
        }

        // One second's worth passes at once; the rest of a burst this fast cannot all pass.
        Assert.All(answers.Take(5), a => a.AssertError("1301", "user_not_found"));
        var refused = answers.Where(a => a.ErrCode == "1202").ToList();
        Assert.NotEmpty(refused);
        Assert.All(refused, r =>
        {
            r.AssertError("1202", "ip_freq_block");
            Assert.True(r.Message.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "Retry-After in whole seconds");
        });
        Assert.All(answers, a => Assert.True(a.ErrCode is "1301" or "1202", a.Body));
    }

    [Fact]
    public async Task RemovingTheRateLimitLetsABurstThrough()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        await SetAccessAsync(enterprise, null, 1);
        await enterprise.PostAsync("/openapi/user/get", ("alias", enterprise.Address("nobody")));
        Assert.Equal("1202", (await enterprise.PostAsync("/openapi/user/get", ("alias", enterprise.Address("nobody")))).ErrCode);

        await SetAccessAsync(enterprise, null, 0);

        for (var i = 0; i < 20; i++)
        {
            (await enterprise.PostAsync("/openapi/user/get", ("alias", enterprise.Address("nobody")))).AssertError("1301", "user_not_found");
        }
    }

    [Fact]
    public async Task TheRateLimitCountsEachClientSeparately()
    {
        var busy = await _app.CreateEnterpriseAsync();
        var quiet = await _app.CreateEnterpriseAsync();
        await SetAccessAsync(busy, null, 1);
        await SetAccessAsync(quiet, null, 1);

        await busy.PostAsync("/openapi/user/get", ("alias", busy.Address("nobody")));
        Assert.Equal("1202", (await busy.PostAsync("/openapi/user/get", ("alias", busy.Address("nobody")))).ErrCode);

        (await quiet.PostAsync("/openapi/user/get", ("alias", quiet.Address("nobody")))).AssertError("1301", "user_not_found");
    }

    private async Task SetAccessAsync(TestEnterprise enterprise, string? allowed, int? rate)
    {
        var result = await _app.Get<EnterpriseService>().SetAccessAsync(enterprise.ClientId, allowed, rate, TestContext.Current.CancellationToken);
        Assert.False(result.IsError, result.Error?.Message);
    }
}
