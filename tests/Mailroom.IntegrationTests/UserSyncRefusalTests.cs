using Mailroom.Server.Directory;

namespace Mailroom.IntegrationTests;

/// <summary>user/sync calls refused with each error code of §6.3.</summary>
public sealed class UserSyncRefusalTests : IClassFixture<ServerFixture>
{
    private readonly MailroomApp _app;

    public UserSyncRefusalTests(ServerFixture fixture) => _app = fixture.App;

    [Fact]
    public async Task MissingActionIsInvalidRequest()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var response = await enterprise.PostAsync("/openapi/user/sync", ("Alias", enterprise.Address("bob")), ("Name", "Bob"), ("Password", "123456"));
        response.AssertError("1001", "invalid_request");
        Assert.Contains("Action", response.Json.GetProperty("errmsg").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("4")]
    [InlineData("0")]
    [InlineData("add")]
    public async Task ActionOtherThanOneTwoThreeIsInvalidAction(string action)
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var response = await enterprise.PostAsync("/openapi/user/sync", ("Action", action), ("Alias", enterprise.Address("bob")), ("Name", "Bob"), ("Password", "123456"));
        response.AssertError("1203", "invalid_action");
    }

    [Theory]
    [InlineData("Alias")]
    [InlineData("Name")]
    [InlineData("Password")]
    public async Task AddWithoutARequiredFieldIsInvalidRequestNamingIt(string missing)
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        (string, string)[] all = [("Action", "2"), ("Alias", enterprise.Address("bob")), ("Name", "Bob"), ("Password", "123456")];
        var response = await enterprise.PostAsync("/openapi/user/sync", [.. all.Select(p => p.Item1 == missing ? (p.Item1, "") : p)]);
        response.AssertError("1001", "invalid_request");
        Assert.Contains(missing, response.Json.GetProperty("errmsg").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await enterprise.CheckAsync(enterprise.Address("bob")));
    }

    [Fact]
    public async Task AddOfAnExistingMemberIsUserExists()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob", ("Position", "before"));
        var before = await enterprise.VersionAsync();

        var response = await enterprise.PostAsync("/openapi/user/sync", ("Action", "2"), ("Alias", bob.ToUpperInvariant()), ("Name", "Other"), ("Password", "123456"), ("Position", "after"));

        response.AssertError("1302", "user_exists");
        Assert.Equal("before", (await enterprise.GetMemberAsync(bob)).GetProperty("Position").GetString());
        Assert.Equal(before, await enterprise.VersionAsync());
    }

    [Fact]
    public async Task AddOfAnAliasAddressIsUserExists()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        await enterprise.AddMemberAsync("bob", ("Slave", enterprise.Address("bobby")));
        var response = await enterprise.PostAsync("/openapi/user/sync", ("Action", "2"), ("Alias", enterprise.Address("bobby")), ("Name", "B"), ("Password", "123456"));
        response.AssertError("1302", "user_exists");
    }

    [Fact]
    public async Task AddOfAGroupAddressIsUserExists()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        await enterprise.CreateGroupAsync("all");
        var response = await enterprise.PostAsync("/openapi/user/sync", ("Action", "2"), ("Alias", enterprise.Address("all")), ("Name", "B"), ("Password", "123456"));
        response.AssertError("1302", "user_exists");
    }

    [Theory]
    [InlineData("not-an-address")]
    [InlineData("bob@other-enterprise.example")]
    [InlineData("bob@@x.example")]
    public async Task AliasThatIsNoAddressOfTheEnterpriseIsInvalidAlias(string alias)
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        foreach (var action in new[] { "1", "2", "3" })
        {
            var response = await enterprise.PostAsync("/openapi/user/sync", ("Action", action), ("Alias", alias), ("Name", "B"), ("Password", "123456"));
            response.AssertError("1303", "invalid_alias");
        }
    }

    [Fact]
    public async Task AliasOfAnotherEnterpriseIsInvalidAliasNotNotFound()
    {
        var mine = await _app.CreateEnterpriseAsync();
        var theirs = await _app.CreateEnterpriseAsync();
        var their = await theirs.AddMemberAsync("bob");

        (await mine.PostAsync("/openapi/user/sync", ("Action", "1"), ("Alias", their))).AssertError("1303", "invalid_alias");
        (await mine.PostAsync("/openapi/user/sync", ("Action", "3"), ("Alias", their), ("Name", "X"))).AssertError("1303", "invalid_alias");
        Assert.Equal("bob", (await theirs.GetMemberAsync(their)).GetProperty("Name").GetString());
    }

    [Fact]
    public async Task MoreThanFiveSlavesIsTooManySlaves()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var slaves = Enumerable.Range(1, 6).Select(i => ("Slave", enterprise.Address($"s{i}")));
        var response = await enterprise.PostAsync(
            "/openapi/user/sync", [("Action", "2"), ("Alias", enterprise.Address("bob")), ("Name", "B"), ("Password", "123456"), .. slaves]);
        response.AssertError("1305", "too_many_slaves");
        Assert.Equal(0, await enterprise.CheckAsync(enterprise.Address("bob")));
    }

    [Fact]
    public async Task FiveSlavesPlusTheOwnAddressAreAccepted()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = enterprise.Address("bob");
        var slaves = Enumerable.Range(1, 5).Select(i => ("Slave", enterprise.Address($"s{i}")));
        await enterprise.AddMemberAsync("bob", [.. slaves, ("Slave", bob.ToUpperInvariant())]);

        var slaveList = (await enterprise.GetMemberAsync(bob)).GetProperty("SlaveList").GetString()!.Split(',');
        Assert.Equal(5, slaveList.Length);
        Assert.DoesNotContain(bob, slaveList);
    }

    [Fact]
    public async Task SlaveUsedByAnotherMembersAliasIsSlaveConflict()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        await enterprise.AddMemberAsync("alice", ("Slave", enterprise.Address("shared")));
        var bob = await enterprise.AddMemberAsync("bob");

        var response = await enterprise.PostAsync("/openapi/user/sync", ("Action", "3"), ("Alias", bob), ("Slave", enterprise.Address("shared")));

        response.AssertError("1306", "slave_conflict");
        Assert.Contains(enterprise.Address("shared"), response.Json.GetProperty("errmsg").GetString(), StringComparison.Ordinal);
        Assert.Equal("", (await enterprise.GetMemberAsync(bob)).GetProperty("SlaveList").GetString());
    }

    [Fact]
    public async Task SlaveThatIsAnotherMembersPrimaryIsSlaveConflict()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var alice = await enterprise.AddMemberAsync("alice");
        var response = await enterprise.PostAsync(
            "/openapi/user/sync", ("Action", "2"), ("Alias", enterprise.Address("bob")), ("Name", "B"), ("Password", "123456"), ("Slave", alice));
        response.AssertError("1306", "slave_conflict");
        Assert.Equal(0, await enterprise.CheckAsync(enterprise.Address("bob")));
    }

    [Fact]
    public async Task SlaveThatIsAGroupIsSlaveConflict()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        await enterprise.CreateGroupAsync("team");
        var response = await enterprise.PostAsync(
            "/openapi/user/sync", ("Action", "2"), ("Alias", enterprise.Address("bob")), ("Name", "B"), ("Password", "123456"), ("Slave", enterprise.Address("team")));
        response.AssertError("1306", "slave_conflict");
    }

    [Theory]
    [InlineData("bob-alias@elsewhere.example")]
    [InlineData("no at sign")]
    public async Task SlaveThatIsNoAddressOfTheEnterpriseIsInvalidAlias(string slave)
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var response = await enterprise.PostAsync(
            "/openapi/user/sync", ("Action", "2"), ("Alias", enterprise.Address("bob")), ("Name", "B"), ("Password", "123456"), ("Slave", slave));
        response.AssertError("1303", "invalid_alias");
        Assert.Contains("Slave", response.Json.GetProperty("errmsg").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SlaveReplacesTheAliasSetAndFreesDroppedAliases()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob", ("Slave", enterprise.Address("b1")), ("Slave", enterprise.Address("b2")));
        var before = await enterprise.VersionAsync();

        (await enterprise.PostAsync("/openapi/user/sync", ("Action", "3"), ("Alias", bob), ("Slave", enterprise.Address("b2")), ("Slave", enterprise.Address("b3")))).AssertEmptySuccess();

        Assert.Equal($"{enterprise.Address("b2")},{enterprise.Address("b3")}", (await enterprise.GetMemberAsync(bob)).GetProperty("SlaveList").GetString());
        Assert.Equal(0, await enterprise.CheckAsync(enterprise.Address("b1")));
        Assert.Equal(2, await enterprise.CheckAsync(enterprise.Address("b3")));
        Assert.Equal([(3, bob)], (await enterprise.ListAsync(before)).List);
    }

    [Fact]
    public async Task UserGetBySlaveAliasShowsThePrimary()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob", ("Slave", enterprise.Address("bobby")));
        var json = await enterprise.GetMemberAsync(enterprise.Address("BOBBY"));
        Assert.Equal(bob, json.GetProperty("Alias").GetString());
        Assert.Equal(enterprise.Address("bobby"), json.GetProperty("SlaveList").GetString());
    }

    [Fact]
    public async Task ModifyBySlaveAliasChangesTheMember()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob", ("Slave", enterprise.Address("bobby")));
        (await enterprise.PostAsync("/openapi/user/sync", ("Action", "3"), ("Alias", enterprise.Address("bobby")), ("Name", "Robert"))).AssertEmptySuccess();
        Assert.Equal("Robert", (await enterprise.GetMemberAsync(bob)).GetProperty("Name").GetString());
    }

    [Theory]
    [InlineData("Gender", "3")]
    [InlineData("Gender", "-1")]
    [InlineData("Gender", "male")]
    [InlineData("OpenType", "3")]
    [InlineData("OpenType", "x")]
    public async Task OutOfRangeChoiceIsInvalidFieldNamingIt(string field, string value)
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var response = await enterprise.PostAsync(
            "/openapi/user/sync", ("Action", "2"), ("Alias", enterprise.Address("bob")), ("Name", "B"), ("Password", "123456"), (field, value));
        response.AssertError("1307", "invalid_field");
        Assert.Contains(field, response.Json.GetProperty("errmsg").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await enterprise.CheckAsync(enterprise.Address("bob")));
    }

    [Theory]
    [InlineData("Name", 64)]
    [InlineData("Position", 64)]
    [InlineData("Tel", 32)]
    [InlineData("Mobile", 32)]
    [InlineData("ExtId", 32)]
    public async Task FieldOverItsLimitIsInvalidFieldAndAtItsLimitIsAccepted(string field, int limit)
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob");
        var before = await enterprise.VersionAsync();

        var tooLong = await enterprise.PostAsync("/openapi/user/sync", ("Action", "3"), ("Alias", bob), (field, new string('中', limit + 1)));
        tooLong.AssertError("1307", "invalid_field");
        Assert.Contains(field, tooLong.Json.GetProperty("errmsg").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await enterprise.VersionAsync());

        (await enterprise.PostAsync("/openapi/user/sync", ("Action", "3"), ("Alias", bob), (field, new string('中', limit)))).AssertEmptySuccess();
        Assert.Equal(new string('中', limit), (await enterprise.GetMemberAsync(bob)).GetProperty(field).GetString());
    }

    [Theory]
    [InlineData("0", "12345")]
    [InlineData("1", "e10adc3949ba59abbe56e057f20f883")]
    [InlineData("1", "e10adc3949ba59abbe56e057f20f883ez")]
    [InlineData("1", "123456")]
    public async Task PasswordOutsideThePolicyIsInvalidPassword(string md5, string password)
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob");
        var stored = (await enterprise.MemberRowAsync(bob))!.PasswordHash;

        var response = await enterprise.PostAsync("/openapi/user/sync", ("Action", "3"), ("Alias", bob), ("Md5", md5), ("Password", password));

        response.AssertError("1304", "invalid_password");
        Assert.Equal(TestDirectory.PasswordSalt(stored), TestDirectory.PasswordSalt((await enterprise.MemberRowAsync(bob))!.PasswordHash));
    }

    [Fact]
    public async Task PasswordOfSixtyFiveCharactersIsInvalidPassword()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var response = await enterprise.PostAsync(
            "/openapi/user/sync", ("Action", "2"), ("Alias", enterprise.Address("bob")), ("Name", "B"), ("Password", new string('p', 65)));
        response.AssertError("1304", "invalid_password");
    }

    [Fact]
    public async Task PlaintextAndMd5PasswordsVerifyTheSameWay()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var plain = await enterprise.AddMemberAsync("plain", ("Password", "123456"));
        var hashed = await enterprise.AddMemberAsync("hashed", ("Md5", "1"), ("Password", "E10ADC3949BA59ABBE56E057F20F883E"));

        var plainHash = (await enterprise.MemberRowAsync(plain))!.PasswordHash;
        var md5Hash = (await enterprise.MemberRowAsync(hashed))!.PasswordHash;
        Assert.Matches("^(hmac-sha256|pbkdf2-sha256-hmac)\\$", plainHash);
        Assert.NotEqual(plainHash, md5Hash);
        Assert.True(PasswordHasher.Verify("e10adc3949ba59abbe56e057f20f883e", plainHash));
        Assert.True(PasswordHasher.Verify("e10adc3949ba59abbe56e057f20f883e", md5Hash));
        Assert.False(PasswordHasher.Verify(PasswordHasher.Md5Hex("1234567"), md5Hash));
    }

    [Fact]
    public async Task Md5FlagOtherThanZeroOrOneIsInvalidRequest()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var response = await enterprise.PostAsync(
            "/openapi/user/sync", ("Action", "2"), ("Alias", enterprise.Address("bob")), ("Name", "B"), ("Password", "123456"), ("Md5", "2"));
        response.AssertError("1001", "invalid_request");
        Assert.Contains("Md5", response.Json.GetProperty("errmsg").GetString(), StringComparison.Ordinal);
    }
}
