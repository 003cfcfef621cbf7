namespace Mailroom.IntegrationTests;

public sealed class WxTokenTests : IClassFixture<ServerFixture>
{
    private readonly MailroomApp _app;

    public WxTokenTests(ServerFixture fixture) => _app = fixture.App;

    [Fact]
    public async Task OpenAndCloseSwitchTheSecondFactorWithoutAVersion()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob", ("Slave", enterprise.Address("bb")));
        var before = await enterprise.VersionAsync();
        var profile = (await enterprise.PostAsync("/openapi/user/get", ("alias", bob))).Body;

        (await enterprise.PostAsync("/openapi/user/openwxtoken", ("alias", enterprise.Address("bb")))).AssertEmptySuccess();
        Assert.True((await enterprise.MemberRowAsync(bob))!.SecondFactor);
        Assert.Equal(profile, (await enterprise.PostAsync("/openapi/user/get", ("alias", bob))).Body);
        Assert.Equal(before, await enterprise.VersionAsync());

        (await enterprise.PostAsync("/openapi/user/closewxtoken", ("alias", bob))).AssertEmptySuccess();
        Assert.False((await enterprise.MemberRowAsync(bob))!.SecondFactor);
        Assert.Equal(before, await enterprise.VersionAsync());

        var logged = (await enterprise.OperationsAsync()).Select(o => (o.Record.Endpoint, o.Record.Result)).Take(2);
        Assert.Equal([("user/closewxtoken", "0"), ("user/openwxtoken", "0")], logged);
    }

    [Theory]
    [InlineData("/openapi/user/openwxtoken")]
    [InlineData("/openapi/user/closewxtoken")]
    public async Task UnknownMemberIsUserNotFound(string path)
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        (await enterprise.PostAsync(path, ("alias", enterprise.Address("ghost")))).AssertError("1301", "user_not_found");
    }

    [Theory]
    [InlineData("/openapi/user/openwxtoken")]
    [InlineData("/openapi/user/closewxtoken")]
    public async Task AddressOutsideTheEnterpriseIsInvalidAlias(string path)
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        (await enterprise.PostAsync(path, ("alias", "bob@elsewhere.example"))).AssertError("1303", "invalid_alias");
    }

    [Theory]
    [InlineData("/openapi/user/openwxtoken")]
    [InlineData("/openapi/user/closewxtoken")]
    public async Task MissingAliasIsInvalidRequest(string path)
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        (await enterprise.PostAsync(path)).AssertError("1001", "invalid_request");
    }
}
