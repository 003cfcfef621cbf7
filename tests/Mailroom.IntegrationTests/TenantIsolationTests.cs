namespace Mailroom.IntegrationTests;

/// <summary>
/// Two enterprises on one server: neither's token can read, check or change the other's members,
/// departments or groups (PROTOCOL.md §2.3) — and every attempt leaves the other untouched.
/// </summary>
public sealed class TenantIsolationTests : IClassFixture<ServerFixture>
{
    private readonly MailroomApp _app;

    public TenantIsolationTests(ServerFixture fixture) => _app = fixture.App;

    [Fact]
    public async Task NeitherEnterpriseCanReachTheOther()
    {
        var a = await _app.CreateEnterpriseAsync();
        var b = await _app.CreateEnterpriseAsync();
        (await a.PostAsync("/openapi/party/sync", ("Action", "2"), ("DstPath", "研发部/后端"))).AssertEmptySuccess();
        var bob = await a.AddMemberAsync("bob", ("PartyPath", "研发部/后端"), ("Slave", a.Address("bobby")));
        (await a.PostAsync("/openapi/group/add", ("group_name", "All"), ("group_admin", a.Address("all")), ("status", "list"), ("members", bob))).AssertEmptySuccess();
        (await a.PostAsync("/openapi/group/addallowlist", ("group_alias", a.Address("all")), ("allow_list", bob))).AssertEmptySuccess();
        var profileBefore = (await a.GetMemberAsync(bob)).GetRawText();
        var versionBefore = await a.VersionAsync();

        // Reads and checks through B's token see nothing of A.
        (await b.PostAsync("/openapi/user/get", ("alias", bob))).AssertError("1303", "invalid_alias");
        (await b.PostAsync("/openapi/user/get", ("alias", a.Address("bobby")))).AssertError("1303", "invalid_alias");
        Assert.Equal(-1, await b.CheckAsync(bob));
        Assert.Equal(-1, await b.CheckAsync(a.Address("all")));
        (await b.PostAsync("/openapi/party/list", ("PartyPath", "研发部"))).AssertError("1310", "party_not_found");
        (await b.PostAsync("/openapi/partyuser/list", ("PartyPath", "研发部/后端"))).AssertError("1310", "party_not_found");
        Assert.DoesNotContain((await b.ListAsync()).List, x => x.Alias == bob);
        (await b.PostAsync("/openapi/mail/newcount", ("alias", bob))).AssertError("1400", "mailbox_not_found");
        (await b.PostAsync("/openapi/mail/authkey", ("alias", bob))).AssertError("1400", "mailbox_not_found");

        // Changes through B's token are refused.
        foreach (var (path, parameters) in new (string, (string, string)[])[]
        {
            ("/openapi/user/sync", [("Action", "3"), ("Alias", bob), ("Name", "Mallory")]),
            ("/openapi/user/sync", [("Action", "1"), ("Alias", bob)]),
            ("/openapi/user/sync", [("Action", "2"), ("Alias", bob), ("Name", "Mallory"), ("Password", "Passw0rd!")]),
            ("/openapi/user/sync", [("Action", "2"), ("Alias", b.Address("eve")), ("Name", "Eve"), ("Password", "Passw0rd!"), ("Slave", a.Address("eve"))]),
            ("/openapi/user/swapalias", [("alias", bob), ("slavealias", a.Address("bobby"))]),
            ("/openapi/user/openwxtoken", [("alias", bob)]),
            ("/openapi/group/delete", [("group_alias", a.Address("all"))]),
            ("/openapi/group/addmember", [("group_alias", a.Address("all")), ("members", bob)]),
            ("/openapi/group/deletemember", [("group_alias", a.Address("all")), ("members", bob)]),
            ("/openapi/group/delallowlist", [("group_alias", a.Address("all")), ("allow_list", bob)]),
            ("/openapi/group/add", [("group_name", "Mine"), ("group_admin", a.Address("mine")), ("status", "all")]),
            ("/openapi/group/add", [("group_name", "Mine"), ("group_admin", b.Address("mine")), ("status", "all"), ("members", bob)]),
        })
        {
            var response = await b.PostAsync(path, parameters);
            Assert.True(response.ErrCode is not null, $"{path} {string.Join('&', parameters)} was not refused: {response.Body}");
        }

        // B's own department tree is its own: deleting or moving "研发部" there finds nothing.
        (await b.PostAsync("/openapi/party/sync", ("Action", "1"), ("DstPath", "研发部/后端"))).AssertError("1310", "party_not_found");
        (await b.PostAsync("/openapi/party/sync", ("Action", "3"), ("SrcPath", "研发部"), ("DstPath", "x"))).AssertError("1310", "party_not_found");

        // A is exactly as it was.
        Assert.Equal(profileBefore, (await a.GetMemberAsync(bob)).GetRawText());
        Assert.Equal(versionBefore, await a.VersionAsync());
        Assert.Equal(3, await a.CheckAsync(a.Address("all")));
        Assert.Equal(["后端"], (await a.PostAsync("/openapi/party/list", ("PartyPath", "研发部"))).Json.GetProperty("List").EnumerateArray().Select(x => x.GetProperty("Value").GetString()));
        (await a.PostAsync("/openapi/group/delallowlist", ("group_alias", a.Address("all")), ("allow_list", bob))).AssertError("1504", "allow_list_empty");
    }
}
