using System.Net.Http.Headers;
using System.Text;
using Mailroom.Server.Storage;

namespace Mailroom.IntegrationTests;

public sealed class GroupTests : IClassFixture<ServerFixture>
{
    private readonly MailroomApp _app;

    public GroupTests(ServerFixture fixture) => _app = fixture.App;

    [Theory]
    [InlineData("all", "all")]
    [InlineData("inner", "inner")]
    [InlineData("group", "group")]
    [InlineData("list", "list")]
    [InlineData("LIST", "list")]
    public async Task AddCreatesGroupWithEachStatus(string status, string stored)
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var ann = await TestMembers.AddAsync(enterprise, "ann");
        var version = await TestMembers.VersionAsync(enterprise);

        var response = await enterprise.PostAsync(
            "/openapi/group/add",
            ("group_name", "研发组"), ("group_admin", enterprise.Address("Dev")), ("status", status), ("members", ann));

        response.AssertEmptySuccess();
        var group = await GroupAsync(enterprise, "dev");
        Assert.NotNull(group);
        Assert.Equal(enterprise.Id, group.EnterpriseId);
        Assert.Equal(enterprise.Address("dev"), group.Address);
        Assert.Equal("研发组", group.Name);
        Assert.Equal(stored, group.Status);
        Assert.Equal([await TestMailbox.MemberIdAsync(enterprise, ann)], group.MemberIds);
        Assert.Empty(group.AllowListIds);
        Assert.Equal(version, await TestMembers.VersionAsync(enterprise));
    }

    [Fact]
    public async Task AddTakesRepeatedAndCommaSeparatedMembersByAddressOrAlias()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var ann = await TestMembers.AddAsync(enterprise, "ann");
        var ben = await TestMembers.AddAsync(enterprise, "ben");
        var cat = await TestMembers.AddAsync(enterprise, "cat");
        var benAlias = await TestMembers.AddAliasAsync(enterprise, ben, "benny");

        var response = await enterprise.PostAsync(
            "/openapi/group/add",
            ("group_name ", "All hands"),
            ("GROUP_ADMIN", enterprise.Address("all")),
            ("status", "all"),
            ("members[]", $"{ann}, {benAlias.ToUpperInvariant()}"),
            ("members[]", cat),
            ("members[]", ben));

        response.AssertEmptySuccess();
        var group = await GroupAsync(enterprise, "all");
        var expected = new[] { await TestMailbox.MemberIdAsync(enterprise, ann), await TestMailbox.MemberIdAsync(enterprise, ben), await TestMailbox.MemberIdAsync(enterprise, cat) };
        Assert.Equal(expected.Order(), group!.MemberIds);
    }

    [Fact]
    public async Task AddWithoutMembersCreatesEmptyGroup()
    {
        var enterprise = await _app.CreateEnterpriseAsync();

        (await AddGroupAsync(enterprise, "team", "group")).AssertEmptySuccess();

        var group = await GroupAsync(enterprise, "team");
        Assert.Empty(group!.MemberIds);
    }

    [Fact]
    public async Task AddAcceptsJsonBodyWithArrayOfMembers()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var ann = await TestMembers.AddAsync(enterprise, "ann");
        var ben = await TestMembers.AddAsync(enterprise, "ben");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/openapi/group/add")
        {
            Content = new StringContent(
                $$"""{"group_name":"Team","group_admin":"{{enterprise.Address("team")}}","status":"group","members":["{{ann}}","{{ben}}"]}""",
                Encoding.UTF8,
                "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", enterprise.Token);

        (await enterprise.SendAsync(request)).AssertEmptySuccess();

        Assert.Equal(2, (await GroupAsync(enterprise, "team"))!.MemberIds.Count);
    }

    [Theory]
    [InlineData("group_name")]
    [InlineData("group_admin")]
    [InlineData("status")]
    public async Task AddWithoutRequiredParameterIsInvalidRequest(string missing)
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var parameters = new[] { ("group_name", "Team"), ("group_admin", enterprise.Address("team")), ("status", "all") }
            .Where(p => p.Item1 != missing)
            .ToArray();

        var response = await enterprise.PostAsync("/openapi/group/add", parameters);

        response.AssertError("1001", "invalid_request");
        Assert.Contains(missing, response.Json.GetProperty("errmsg").GetString(), StringComparison.Ordinal);
        Assert.Null(await GroupAsync(enterprise, "team"));
    }

    [Fact]
    public async Task AddWithNameOver64CharactersIsInvalidField()
    {
        var enterprise = await _app.CreateEnterpriseAsync();

        var response = await enterprise.PostAsync(
            "/openapi/group/add", ("group_name", new string('组', 65)), ("group_admin", enterprise.Address("team")), ("status", "all"));

        response.AssertError("1307", "invalid_field");
        Assert.Contains("group_name", response.Json.GetProperty("errmsg").GetString(), StringComparison.Ordinal);
        Assert.Null(await GroupAsync(enterprise, "team"));
        (await enterprise.PostAsync(
            "/openapi/group/add", ("group_name", new string('组', 64)), ("group_admin", enterprise.Address("team")), ("status", "all")))
            .AssertEmptySuccess();
    }

    [Fact]
    public async Task AddWithUnknownStatusIsInvalidGroupStatus()
    {
        var enterprise = await _app.CreateEnterpriseAsync();

        (await AddGroupAsync(enterprise, "team", "everyone")).AssertError("1502", "invalid_group_status");

        Assert.Null(await GroupAsync(enterprise, "team"));
    }

    [Theory]
    [InlineData("team@not-ours.example")]
    [InlineData("not an address")]
    public async Task AddAtAddressOutsideTheEnterpriseIsInvalidAlias(string admin)
    {
        var enterprise = await _app.CreateEnterpriseAsync();

        var response = await enterprise.PostAsync("/openapi/group/add", ("group_name", "Team"), ("group_admin", admin), ("status", "all"));

        response.AssertError("1303", "invalid_alias");
    }

    [Fact]
    public async Task AddAtExistingGroupAddressIsGroupExists()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        (await AddGroupAsync(enterprise, "team", "all")).AssertEmptySuccess();

        (await AddGroupAsync(enterprise, "TEAM", "inner")).AssertError("1500", "group_exists");

        Assert.Equal("all", (await GroupAsync(enterprise, "team"))!.Status);
    }

    [Fact]
    public async Task AddAtMemberAddressIsGroupExists()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        await TestMembers.AddAsync(enterprise, "bob");

        (await AddGroupAsync(enterprise, "bob", "all")).AssertError("1500", "group_exists");

        Assert.Null(await GroupAsync(enterprise, "bob"));
    }

    [Fact]
    public async Task AddAtMemberAliasIsGroupExists()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await TestMembers.AddAsync(enterprise, "bob");
        await TestMembers.AddAliasAsync(enterprise, bob, "robert");

        (await AddGroupAsync(enterprise, "robert", "all")).AssertError("1500", "group_exists");

        Assert.Null(await GroupAsync(enterprise, "robert"));
    }

    [Fact]
    public async Task AddWithUnknownMemberIsMemberNotFoundAndCreatesNothing()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var ann = await TestMembers.AddAsync(enterprise, "ann");

        var response = await AddGroupAsync(enterprise, "team", "all", $"{ann},{enterprise.Address("ghost")}");

        response.AssertError("1505", "member_not_found");
        Assert.Contains(enterprise.Address("ghost"), response.Json.GetProperty("errmsg").GetString(), StringComparison.Ordinal);
        Assert.Null(await GroupAsync(enterprise, "team"));
    }

    [Fact]
    public async Task AddWithMemberOfAnotherDomainIsInvalidAlias()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var other = await _app.CreateEnterpriseAsync();
        var stranger = await TestMembers.AddAsync(other, "stranger");

        var response = await AddGroupAsync(enterprise, "team", "all", stranger);

        response.AssertError("1303", "invalid_alias");
        Assert.Null(await GroupAsync(enterprise, "team"));
    }

    [Fact]
    public async Task DeleteRemovesGroupAndFreesItsAddress()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var ann = await TestMembers.AddAsync(enterprise, "ann");
        (await AddGroupAsync(enterprise, "team", "list", ann)).AssertEmptySuccess();
        (await ChangeAsync(enterprise, "addallowlist", "team", "allow_list", ann)).AssertEmptySuccess();

        (await enterprise.PostAsync("/openapi/group/delete", ("group_alias", enterprise.Address("Team")))).AssertEmptySuccess();

        Assert.Null(await GroupAsync(enterprise, "team"));
        (await AddGroupAsync(enterprise, "team", "all")).AssertEmptySuccess();
        var group = await GroupAsync(enterprise, "team");
        Assert.Empty(group!.MemberIds);
        Assert.Empty(group.AllowListIds);
    }

    [Fact]
    public async Task DeleteWithoutAliasIsInvalidRequest()
    {
        var enterprise = await _app.CreateEnterpriseAsync();

        (await enterprise.PostAsync("/openapi/group/delete")).AssertError("1001", "invalid_request");
    }

    [Fact]
    public async Task DeleteOfUnknownGroupIsGroupNotFound()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        await TestMembers.AddAsync(enterprise, "bob");

        (await enterprise.PostAsync("/openapi/group/delete", ("group_alias", enterprise.Address("team")))).AssertError("1501", "group_not_found");
        (await enterprise.PostAsync("/openapi/group/delete", ("group_alias", enterprise.Address("bob")))).AssertError("1501", "group_not_found");
    }

    [Fact]
    public async Task DeleteOfAnotherEnterprisesGroupIsInvalidAlias()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var other = await _app.CreateEnterpriseAsync();
        (await AddGroupAsync(other, "team", "all")).AssertEmptySuccess();

        (await enterprise.PostAsync("/openapi/group/delete", ("group_alias", other.Address("team")))).AssertError("1303", "invalid_alias");

        Assert.NotNull(await GroupAsync(other, "team"));
    }

    [Fact]
    public async Task AddMemberAddsMembersAndIgnoresOnesAlreadyIn()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var ann = await TestMembers.AddAsync(enterprise, "ann");
        var ben = await TestMembers.AddAsync(enterprise, "ben");
        (await AddGroupAsync(enterprise, "team", "group", ann)).AssertEmptySuccess();
        var version = await TestMembers.VersionAsync(enterprise);

        (await ChangeAsync(enterprise, "addmember", "team", "members", $"{ann},{ben}")).AssertEmptySuccess();

        var expected = new[] { await TestMailbox.MemberIdAsync(enterprise, ann), await TestMailbox.MemberIdAsync(enterprise, ben) };
        Assert.Equal(expected.Order(), (await GroupAsync(enterprise, "team"))!.MemberIds);
        Assert.Equal(version, await TestMembers.VersionAsync(enterprise));
    }

    [Fact]
    public async Task AddMemberWithoutMembersIsInvalidRequest()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        (await AddGroupAsync(enterprise, "team", "group")).AssertEmptySuccess();

        var response = await enterprise.PostAsync("/openapi/group/addmember", ("group_alias", enterprise.Address("team")), ("members", ""));

        response.AssertError("1001", "invalid_request");
        Assert.Contains("members", response.Json.GetProperty("errmsg").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddMemberToUnknownGroupIsGroupNotFound()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var ann = await TestMembers.AddAsync(enterprise, "ann");

        (await ChangeAsync(enterprise, "addmember", "team", "members", ann)).AssertError("1501", "group_not_found");
    }

    [Fact]
    public async Task AddMemberWithUnknownMemberIsMemberNotFoundAndAddsNone()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var ann = await TestMembers.AddAsync(enterprise, "ann");
        (await AddGroupAsync(enterprise, "team", "group")).AssertEmptySuccess();

        (await ChangeAsync(enterprise, "addmember", "team", "members", $"{ann},{enterprise.Address("ghost")}")).AssertError("1505", "member_not_found");

        Assert.Empty((await GroupAsync(enterprise, "team"))!.MemberIds);
    }

    [Fact]
    public async Task DeleteMemberRemovesMembersNamedByAddressOrAlias()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var ann = await TestMembers.AddAsync(enterprise, "ann");
        var ben = await TestMembers.AddAsync(enterprise, "ben");
        var cat = await TestMembers.AddAsync(enterprise, "cat");
        var benAlias = await TestMembers.AddAliasAsync(enterprise, ben, "benny");
        (await AddGroupAsync(enterprise, "team", "group", $"{ann},{ben},{cat}")).AssertEmptySuccess();

        (await ChangeAsync(enterprise, "deletemember", "team", "members", $"{ann},{benAlias}")).AssertEmptySuccess();

        Assert.Equal([await TestMailbox.MemberIdAsync(enterprise, cat)], (await GroupAsync(enterprise, "team"))!.MemberIds);
    }

    [Fact]
    public async Task DeleteMemberNotInTheGroupIsMemberNotFoundAndRemovesNone()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var ann = await TestMembers.AddAsync(enterprise, "ann");
        var ben = await TestMembers.AddAsync(enterprise, "ben");
        (await AddGroupAsync(enterprise, "team", "group", ann)).AssertEmptySuccess();

        var response = await ChangeAsync(enterprise, "deletemember", "team", "members", $"{ann},{ben}");

        response.AssertError("1505", "member_not_found");
        Assert.Contains(ben, response.Json.GetProperty("errmsg").GetString(), StringComparison.Ordinal);
        Assert.Equal([await TestMailbox.MemberIdAsync(enterprise, ann)], (await GroupAsync(enterprise, "team"))!.MemberIds);
    }

    [Fact]
    public async Task DeleteMemberThatIsNoMemberIsMemberNotFound()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        (await AddGroupAsync(enterprise, "team", "group")).AssertEmptySuccess();

        (await ChangeAsync(enterprise, "deletemember", "team", "members", enterprise.Address("ghost"))).AssertError("1505", "member_not_found");
    }

    [Fact]
    public async Task DeleteMemberOfUnknownGroupIsGroupNotFound()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var ann = await TestMembers.AddAsync(enterprise, "ann");

        (await ChangeAsync(enterprise, "deletemember", "team", "members", ann)).AssertError("1501", "group_not_found");
    }

    [Fact]
    public async Task AllowListAddsAndRemovesEntriesOfAListGroup()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var ann = await TestMembers.AddAsync(enterprise, "ann");
        var ben = await TestMembers.AddAsync(enterprise, "ben");
        (await AddGroupAsync(enterprise, "team", "list")).AssertEmptySuccess();
        var version = await TestMembers.VersionAsync(enterprise);

        (await ChangeAsync(enterprise, "addallowlist", "team", "allow_list", $"{ann},{ben}")).AssertEmptySuccess();
        (await ChangeAsync(enterprise, "addallowlist", "team", "allow_list", ann)).AssertEmptySuccess();
        var both = new[] { await TestMailbox.MemberIdAsync(enterprise, ann), await TestMailbox.MemberIdAsync(enterprise, ben) };
        Assert.Equal(both.Order(), (await GroupAsync(enterprise, "team"))!.AllowListIds);

        (await ChangeAsync(enterprise, "delallowlist", "team", "allow_list", ann)).AssertEmptySuccess();
        Assert.Equal([await TestMailbox.MemberIdAsync(enterprise, ben)], (await GroupAsync(enterprise, "team"))!.AllowListIds);
        Assert.Equal(version, await TestMembers.VersionAsync(enterprise));
    }

    [Theory]
    [InlineData("all")]
    [InlineData("inner")]
    [InlineData("group")]
    public async Task AllowListOfGroupWhoseStatusIsNotListIsAllowListNotAllowed(string status)
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var ann = await TestMembers.AddAsync(enterprise, "ann");
        (await AddGroupAsync(enterprise, "team", status)).AssertEmptySuccess();

        (await ChangeAsync(enterprise, "addallowlist", "team", "allow_list", ann)).AssertError("1503", "allow_list_not_allowed");
        (await ChangeAsync(enterprise, "delallowlist", "team", "allow_list", ann)).AssertError("1503", "allow_list_not_allowed");

        Assert.Empty((await GroupAsync(enterprise, "team"))!.AllowListIds);
    }

    [Fact]
    public async Task AllowListEntryThatIsNoMemberIsMemberNotFound()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var ann = await TestMembers.AddAsync(enterprise, "ann");
        (await AddGroupAsync(enterprise, "team", "list")).AssertEmptySuccess();

        (await ChangeAsync(enterprise, "addallowlist", "team", "allow_list", $"{ann},{enterprise.Address("ghost")}")).AssertError("1505", "member_not_found");

        Assert.Empty((await GroupAsync(enterprise, "team"))!.AllowListIds);
    }

    [Fact]
    public async Task DelAllowListOfEntryNotOnTheListIsMemberNotFound()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var ann = await TestMembers.AddAsync(enterprise, "ann");
        var ben = await TestMembers.AddAsync(enterprise, "ben");
        var cat = await TestMembers.AddAsync(enterprise, "cat");
        (await AddGroupAsync(enterprise, "team", "list")).AssertEmptySuccess();
        (await ChangeAsync(enterprise, "addallowlist", "team", "allow_list", $"{ann},{ben}")).AssertEmptySuccess();

        (await ChangeAsync(enterprise, "delallowlist", "team", "allow_list", $"{ann},{cat}")).AssertError("1505", "member_not_found");

        Assert.Equal(2, (await GroupAsync(enterprise, "team"))!.AllowListIds.Count);
    }

    [Fact]
    public async Task DelAllowListThatWouldEmptyTheListIsAllowListEmpty()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var ann = await TestMembers.AddAsync(enterprise, "ann");
        var ben = await TestMembers.AddAsync(enterprise, "ben");
        (await AddGroupAsync(enterprise, "team", "list")).AssertEmptySuccess();
        (await ChangeAsync(enterprise, "addallowlist", "team", "allow_list", $"{ann},{ben}")).AssertEmptySuccess();

        (await ChangeAsync(enterprise, "delallowlist", "team", "allow_list", $"{ann},{ben}")).AssertError("1504", "allow_list_empty");

        Assert.Equal(2, (await GroupAsync(enterprise, "team"))!.AllowListIds.Count);
    }

    [Theory]
    [InlineData("addallowlist")]
    [InlineData("delallowlist")]
    public async Task AllowListChangeWithoutEntriesIsInvalidRequest(string endpoint)
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        (await AddGroupAsync(enterprise, "team", "list")).AssertEmptySuccess();

        var response = await enterprise.PostAsync($"/openapi/group/{endpoint}", ("group_alias", enterprise.Address("team")));

        response.AssertError("1001", "invalid_request");
        Assert.Contains("allow_list", response.Json.GetProperty("errmsg").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("addallowlist")]
    [InlineData("delallowlist")]
    public async Task AllowListChangeOfUnknownGroupIsGroupNotFound(string endpoint)
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var ann = await TestMembers.AddAsync(enterprise, "ann");

        (await ChangeAsync(enterprise, endpoint, "team", "allow_list", ann)).AssertError("1501", "group_not_found");
    }

    [Fact]
    public async Task GroupCallsAreWrittenToTheOperationLog()
    {
        var enterprise = await _app.CreateEnterpriseAsync();

        (await AddGroupAsync(enterprise, "team", "all")).AssertEmptySuccess();
        (await AddGroupAsync(enterprise, "team", "all")).AssertError("1500", "group_exists");
        (await enterprise.PostAsync("/openapi/group/delete", ("group_alias", enterprise.Address("team")))).AssertEmptySuccess();

        Assert.Equal(
            [("group/add", "0"), ("group/add", "1500 group_exists"), ("group/delete", "0")],
            await TestMembers.OperationsAsync(enterprise));
    }

    private static Task<ApiResponse> AddGroupAsync(TestEnterprise enterprise, string local, string status, string? members = null) =>
        members is null
            ? enterprise.PostAsync("/openapi/group/add", ("group_name", local), ("group_admin", enterprise.Address(local)), ("status", status))
            : enterprise.PostAsync("/openapi/group/add", ("group_name", local), ("group_admin", enterprise.Address(local)), ("status", status), ("members", members));

    private static Task<ApiResponse> ChangeAsync(TestEnterprise enterprise, string endpoint, string groupLocal, string listParameter, string entries) =>
        enterprise.PostAsync($"/openapi/group/{endpoint}", ("group_alias", enterprise.Address(groupLocal)), (listParameter, entries));

    private static Task<MailGroup?> GroupAsync(TestEnterprise enterprise, string local) =>
        enterprise.App.Get<IDatabase>().ReadAsync(
            session => GroupStore.FindForDeliveryAsync(session, enterprise.Address(local).ToLowerInvariant()),
            TestContext.Current.CancellationToken);
}
