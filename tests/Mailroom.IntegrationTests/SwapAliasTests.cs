namespace Mailroom.IntegrationTests;

public sealed class SwapAliasTests : IClassFixture<ServerFixture>
{
    private readonly MailroomApp _app;

    public SwapAliasTests(ServerFixture fixture) => _app = fixture.App;

    [Fact]
    public async Task TheAliasBecomesThePrimaryAndTheOldPrimaryAnAlias()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob", ("Slave", enterprise.Address("robert")), ("Slave", enterprise.Address("bb")));
        var robert = enterprise.Address("robert");

        var response = await enterprise.PostAsync("/openapi/user/swapalias", ("alias", bob), ("slavealias", robert.ToUpperInvariant()));

        response.AssertEmptySuccess();
        var json = await enterprise.GetMemberAsync(bob);
        Assert.Equal(robert, json.GetProperty("Alias").GetString());
        Assert.Equal($"{enterprise.Address("bb")},{bob}", json.GetProperty("SlaveList").GetString());
        Assert.Equal("bob", json.GetProperty("Name").GetString());
        Assert.Equal(1, await enterprise.CheckAsync(robert));
        Assert.Equal(2, await enterprise.CheckAsync(bob));
    }

    [Fact]
    public async Task TheChangeLogHasAnAddOfTheNewPrimaryAndADeleteOfTheOldInOneVersion()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob", ("Slave", enterprise.Address("robert")));
        var robert = enterprise.Address("robert");
        var before = await enterprise.VersionAsync();

        (await enterprise.PostAsync("/openapi/user/swapalias", ("alias", bob), ("slavealias", robert))).AssertEmptySuccess();

        var (ver, list) = await enterprise.ListAsync(before);
        Assert.Equal([(2, robert), (1, bob)], list);
        var changes = await enterprise.ReadAsync(s => Mailroom.Server.Storage.ChangeLogStore.ChangesAfterAsync(s, enterprise.Id, before));
        Assert.Equal(2, changes.Count);
        Assert.All(changes, c => Assert.Equal(ver, c.Version));
        Assert.Equal([(2, robert)], (await enterprise.ListAsync(0)).List);
    }

    [Fact]
    public async Task MissingParametersAreInvalidRequest()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob", ("Slave", enterprise.Address("robert")));
        (await enterprise.PostAsync("/openapi/user/swapalias", ("slavealias", enterprise.Address("robert")))).AssertError("1001", "invalid_request");
        var response = await enterprise.PostAsync("/openapi/user/swapalias", ("alias", bob));
        response.AssertError("1001", "invalid_request");
        Assert.Contains("slavealias", response.Json.GetProperty("errmsg").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownMemberIsUserNotFound()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var response = await enterprise.PostAsync("/openapi/user/swapalias", ("alias", enterprise.Address("ghost")), ("slavealias", enterprise.Address("g")));
        response.AssertError("1301", "user_not_found");
    }

    [Fact]
    public async Task AliasOutsideTheEnterpriseIsInvalidAlias()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var response = await enterprise.PostAsync("/openapi/user/swapalias", ("alias", "bob@elsewhere.example"), ("slavealias", enterprise.Address("g")));
        response.AssertError("1303", "invalid_alias");
    }

    [Fact]
    public async Task SlaveAliasOutsideTheEnterpriseIsInvalidAlias()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob");
        var response = await enterprise.PostAsync("/openapi/user/swapalias", ("alias", bob), ("slavealias", "bob@elsewhere.example"));
        response.AssertError("1303", "invalid_alias");
        Assert.Contains("slavealias", response.Json.GetProperty("errmsg").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SlaveAliasThatIsNotAnAliasOfTheMemberIsInvalidAliasAndChangesNothing()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob", ("Slave", enterprise.Address("robert")));
        var alice = await enterprise.AddMemberAsync("alice", ("Slave", enterprise.Address("ali")));
        var before = await enterprise.VersionAsync();

        foreach (var other in new[] { enterprise.Address("ali"), alice, enterprise.Address("free"), bob })
        {
            var response = await enterprise.PostAsync("/openapi/user/swapalias", ("alias", bob), ("slavealias", other));
            response.AssertError("1303", "invalid_alias");
            Assert.Contains("slavealias", response.Json.GetProperty("errmsg").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(bob, (await enterprise.GetMemberAsync(bob)).GetProperty("Alias").GetString());
        Assert.Equal(alice, (await enterprise.GetMemberAsync(enterprise.Address("ali"))).GetProperty("Alias").GetString());
        Assert.Equal(before, await enterprise.VersionAsync());
    }

    [Fact]
    public async Task SwapIsLoggedAsAStateChange()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob", ("Slave", enterprise.Address("robert")));
        (await enterprise.PostAsync("/openapi/user/swapalias", ("alias", bob), ("slavealias", enterprise.Address("robert")))).AssertEmptySuccess();
        var logged = (await enterprise.OperationsAsync()).First(o => o.Record.Endpoint == "user/swapalias");
        Assert.Equal("0", logged.Record.Result);
    }
}
