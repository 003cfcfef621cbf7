using Mailroom.Server.Directory;

namespace Mailroom.IntegrationTests;

/// <summary>user/sync MOD and DEL: what changes, what takes a version, what is voided and logged.</summary>
public sealed class UserSyncModifyTests : IClassFixture<ServerFixture>
{
    private readonly MailroomApp _app;

    public UserSyncModifyTests(ServerFixture fixture) => _app = fixture.App;

    [Fact]
    public async Task ModifyChangesOnlyParametersThatArePresentAndNonEmpty()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        await TestDepartments.CreateAsync(enterprise, "IT");
        var bob = await enterprise.AddMemberAsync(
            "bob", ("Gender", "2"), ("Position", "Engineer"), ("Tel", "1"), ("Mobile", "2"), ("ExtId", "3"), ("PartyPath", "IT"), ("Slave", enterprise.Address("bb")));
        var stored = (await enterprise.MemberRowAsync(bob))!.PasswordHash;
        var before = await enterprise.VersionAsync();

        // What clients send: every field, the empty ones too, plus keys of a user/get answer.
        var response = await enterprise.PostAsync(
            "/openapi/user/sync",
            ("Action", "3"), ("Alias", bob), ("Name", "Robert"), ("Gender", ""), ("Position", ""), ("Tel", ""), ("Mobile", ""), ("ExtId", ""),
            ("Password", ""), ("Md5", ""), ("PartyPath", ""), ("Slave", ""), ("OpenType", ""), ("SlaveList", "x"), ("Status", "1"));
        response.AssertEmptySuccess();

        var json = await enterprise.GetMemberAsync(bob);
        Assert.Equal("Robert", json.GetProperty("Name").GetString());
        Assert.Equal(2, json.GetProperty("Gender").GetInt32());
        Assert.Equal("Engineer", json.GetProperty("Position").GetString());
        Assert.Equal("1", json.GetProperty("Tel").GetString());
        Assert.Equal("2", json.GetProperty("Mobile").GetString());
        Assert.Equal("3", json.GetProperty("ExtId").GetString());
        Assert.Equal(enterprise.Address("bb"), json.GetProperty("SlaveList").GetString());
        Assert.Equal("IT", json.GetProperty("PartyList").GetProperty("List")[0].GetProperty("Value").GetString());
        Assert.Equal(1, json.GetProperty("OpenType").GetInt32());
        Assert.Equal(TestDirectory.PasswordSalt(stored), TestDirectory.PasswordSalt((await enterprise.MemberRowAsync(bob))!.PasswordHash));
        Assert.Equal([(3, bob)], (await enterprise.ListAsync(before)).List);
    }

    [Fact]
    public async Task ModifyThatChangesNothingConsumesNoVersion()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob", ("Position", "Engineer"), ("Slave", enterprise.Address("bb")));
        var before = await enterprise.VersionAsync();

        var response = await enterprise.PostAsync(
            "/openapi/user/sync", ("Action", "3"), ("Alias", bob), ("Name", "bob"), ("Position", "Engineer"), ("OpenType", "1"), ("Slave", enterprise.Address("BB")), ("PartyPath", "/"));

        response.AssertEmptySuccess();
        Assert.Equal(before, await enterprise.VersionAsync());
        Assert.Empty((await enterprise.ListAsync(before)).List);
    }

    [Fact]
    public async Task PasswordChangeTakesNoVersionButChangesTheHash()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob");
        var stored = (await enterprise.MemberRowAsync(bob))!.PasswordHash;
        var before = await enterprise.VersionAsync();

        (await enterprise.PostAsync("/openapi/user/sync", ("Action", "3"), ("Alias", bob), ("Password", "another-password"))).AssertEmptySuccess();

        var changed = (await enterprise.MemberRowAsync(bob))!.PasswordHash;
        Assert.NotEqual(TestDirectory.PasswordSalt(stored), TestDirectory.PasswordSalt(changed));
        Assert.True(PasswordHasher.Verify(PasswordHasher.Md5Hex("another-password"), changed));
        Assert.Equal(before, await enterprise.VersionAsync());
    }

    [Fact]
    public async Task GenderZeroOnModifyUnsetsTheGender()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob", ("Gender", "1"));
        (await enterprise.PostAsync("/openapi/user/sync", ("Action", "3"), ("Alias", bob), ("Gender", "0"))).AssertEmptySuccess();
        Assert.Equal(0, (await enterprise.GetMemberAsync(bob)).GetProperty("Gender").GetInt32());
    }

    [Fact]
    public async Task OpenTypeTwoDisablesAndOneEnables()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob", ("OpenType", "2"));
        var json = await enterprise.GetMemberAsync(bob);
        Assert.Equal(2, json.GetProperty("OpenType").GetInt32());
        Assert.Equal(2, json.GetProperty("Status").GetInt32());

        (await enterprise.PostAsync("/openapi/user/sync", ("Action", "3"), ("Alias", bob), ("OpenType", "0"))).AssertEmptySuccess();
        Assert.Equal(2, (await enterprise.GetMemberAsync(bob)).GetProperty("OpenType").GetInt32());

        (await enterprise.PostAsync("/openapi/user/sync", ("Action", "3"), ("Alias", bob), ("OpenType", "1"))).AssertEmptySuccess();
        json = await enterprise.GetMemberAsync(bob);
        Assert.Equal(1, json.GetProperty("OpenType").GetInt32());
        Assert.Equal(1, json.GetProperty("Status").GetInt32());
    }

    [Fact]
    public async Task ModifyOrDeleteOfAnUnknownMemberIsUserNotFound()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var before = await enterprise.VersionAsync();
        (await enterprise.PostAsync("/openapi/user/sync", ("Action", "3"), ("Alias", enterprise.Address("ghost")), ("Name", "G"))).AssertError("1301", "user_not_found");
        (await enterprise.PostAsync("/openapi/user/sync", ("Action", "1"), ("Alias", enterprise.Address("ghost")))).AssertError("1301", "user_not_found");
        Assert.Equal(before, await enterprise.VersionAsync());
    }

    [Fact]
    public async Task DeleteRemovesTheMemberEverywhereAndFreesItsAddresses()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        await TestDepartments.CreateAsync(enterprise, "IT");
        var bob = await enterprise.AddMemberAsync("bob", ("PartyPath", "IT"), ("Slave", enterprise.Address("bb")));
        var bobId = (await enterprise.MemberRowAsync(bob))!.Id;
        await enterprise.CreateGroupAsync("team", bob);
        Assert.Null((await enterprise.PostAsync("/openapi/mail/authkey", ("alias", bob))).ErrCode);
        var before = await enterprise.VersionAsync();

        (await enterprise.PostAsync("/openapi/user/sync", ("Action", "1"), ("Alias", bob), ("Name", "ignored"), ("Gender", "9"))).AssertEmptySuccess();

        (await enterprise.PostAsync("/openapi/user/get", ("alias", bob))).AssertError("1301", "user_not_found");
        Assert.Equal(0, await enterprise.CheckAsync(bob));
        Assert.Equal(0, await enterprise.CheckAsync(enterprise.Address("bb")));
        foreach (var table in new[] { "member_aliases", "member_departments", "mail_group_members", "mail_group_allow_list", "authkeys", "webmail_sessions", "member_totp", "password_hardening" })
        {
            Assert.Equal(0, await enterprise.CountRowsAsync(table, bobId));
        }

        Assert.Equal([(1, bob)], (await enterprise.ListAsync(before)).List);

        // The address is free again, aliases included.
        await enterprise.AddMemberAsync("bob", ("Slave", enterprise.Address("bb")));
        Assert.Equal(bob, (await enterprise.GetMemberAsync(enterprise.Address("bb"))).GetProperty("Alias").GetString());
    }

    [Fact]
    public async Task DisablingOrChangingThePasswordVoidsAuthkeys()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob");
        var bobId = (await enterprise.MemberRowAsync(bob))!.Id;

        await enterprise.PostAsync("/openapi/mail/authkey", ("alias", bob));
        Assert.Equal(1, await enterprise.CountRowsAsync("authkeys", bobId));
        (await enterprise.PostAsync("/openapi/user/sync", ("Action", "3"), ("Alias", bob), ("Password", "new-password"))).AssertEmptySuccess();
        Assert.Equal(0, await enterprise.CountRowsAsync("authkeys", bobId));

        await enterprise.PostAsync("/openapi/mail/authkey", ("alias", bob));
        Assert.Equal(1, await enterprise.CountRowsAsync("authkeys", bobId));
        (await enterprise.PostAsync("/openapi/user/sync", ("Action", "3"), ("Alias", bob), ("Name", "still bob"))).AssertEmptySuccess();
        Assert.Equal(1, await enterprise.CountRowsAsync("authkeys", bobId));
        (await enterprise.PostAsync("/openapi/user/sync", ("Action", "3"), ("Alias", bob), ("OpenType", "2"))).AssertEmptySuccess();
        Assert.Equal(0, await enterprise.CountRowsAsync("authkeys", bobId));
    }

    [Fact]
    public async Task RefusedCallChangesNothingAndConsumesNoVersion()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        await TestDepartments.CreateAsync(enterprise, "a");
        var bob = await enterprise.AddMemberAsync("bob", ("PartyPath", "a"), ("Slave", enterprise.Address("bb")));
        var alice = await enterprise.AddMemberAsync("alice", ("Slave", enterprise.Address("aa")));
        var before = await enterprise.VersionAsync();
        var profile = (await enterprise.PostAsync("/openapi/user/get", ("alias", bob))).Body;

        // Every part of this MOD is valid except the last Slave, which alice holds.
        var response = await enterprise.PostAsync(
            "/openapi/user/sync",
            ("Action", "3"), ("Alias", bob), ("Name", "Changed"), ("PartyPath", "/"), ("Password", "changed-password"),
            ("Slave", enterprise.Address("new")), ("Slave", enterprise.Address("aa")));

        response.AssertError("1306", "slave_conflict");
        Assert.Equal(profile, (await enterprise.PostAsync("/openapi/user/get", ("alias", bob))).Body);
        Assert.Equal(0, await enterprise.CheckAsync(enterprise.Address("new")));
        Assert.Equal(alice, (await enterprise.GetMemberAsync(enterprise.Address("aa"))).GetProperty("Alias").GetString());
        Assert.Equal(before, await enterprise.VersionAsync());
        Assert.Empty((await enterprise.ListAsync(before)).List);
    }

    [Fact]
    public async Task EveryCallIsLoggedAndPasswordsNeverAppearInTheLog()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob", ("Password", "PlainSecret-1"));
        (await enterprise.PostAsync("/openapi/user/sync", ("Action", "2"), ("Alias", bob), ("Name", "B"), ("Password", "PlainSecret-2"))).AssertError("1302", "user_exists");
        (await enterprise.PostAsync("/openapi/user/sync", ("Action", "3"), ("Alias", bob), ("Md5", "1"), ("Password", "0123456789abcdef0123456789ABCDEF"))).AssertEmptySuccess();

        var operations = await enterprise.OperationsAsync();
        var syncs = operations.Where(o => o.Record.Endpoint == "user/sync").Select(o => o.Record).ToList();
        Assert.Equal(3, syncs.Count);
        Assert.Equal(["0", "1302 user_exists", "0"], syncs.Select(o => o.Result).Reverse());
        Assert.All(syncs, o => Assert.Contains(bob, o.Parameters, StringComparison.Ordinal));
        foreach (var operation in operations)
        {
            var text = operation.Record.Parameters;
            Assert.DoesNotContain("PlainSecret", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("0123456789abcdef", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(PasswordHasher.Md5Hex("PlainSecret-1"), text, StringComparison.OrdinalIgnoreCase);
        }
    }
}
