namespace Mailroom.IntegrationTests;

public sealed class PartyUserListTests : IClassFixture<ServerFixture>
{
    private readonly MailroomApp _app;

    public PartyUserListTests(ServerFixture fixture) => _app = fixture.App;

    [Fact]
    public async Task ListsMembersDirectlyInTheDepartmentSortedByAddress()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        (await AddAsync(enterprise, "销售/华南")).AssertEmptySuccess();
        var carol = await TestMembers.AddAsync(enterprise, "carol", "销售");
        var alice = await TestMembers.AddAsync(enterprise, "alice", "销售");
        var bob = await TestMembers.AddAsync(enterprise, "bob", "销售");
        await TestMembers.AddAsync(enterprise, "dave", "销售/华南");
        await TestMembers.AddAsync(enterprise, "erin");

        var response = await enterprise.PostAsync("/openapi/partyuser/list", ("PartyPath", "/销售"));

        Assert.Equal($$"""{"Count":3,"List":[{"Value":"{{alice}}"},{"Value":"{{bob}}"},{"Value":"{{carol}}"}]}""", response.Body);
        Assert.Equal("application/json; charset=utf-8", response.Message.Content.Headers.ContentType?.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    public async Task RootListsMembersInNoDepartment(string path)
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        (await AddAsync(enterprise, "销售")).AssertEmptySuccess();
        var zed = await TestMembers.AddAsync(enterprise, "zed");
        var amy = await TestMembers.AddAsync(enterprise, "amy");
        await TestMembers.AddAsync(enterprise, "bob", "销售");

        var response = await enterprise.PostAsync("/openapi/partyuser/list", ("PartyPath", path));

        Assert.Equal($$"""{"Count":2,"List":[{"Value":"{{amy}}"},{"Value":"{{zed}}"}]}""", response.Body);
    }

    [Fact]
    public async Task MemberOfTwoDepartmentsIsListedInBoth()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        (await AddAsync(enterprise, "销售")).AssertEmptySuccess();
        (await AddAsync(enterprise, "市场")).AssertEmptySuccess();
        var bob = await TestMembers.AddAsync(enterprise, "bob", "销售", "市场");

        Assert.Equal($$"""{"Count":1,"List":[{"Value":"{{bob}}"}]}""", (await enterprise.PostAsync("/openapi/partyuser/list", ("PartyPath", "销售"))).Body);
        Assert.Equal($$"""{"Count":1,"List":[{"Value":"{{bob}}"}]}""", (await enterprise.PostAsync("/openapi/partyuser/list", ("PartyPath", "市场"))).Body);
        Assert.Equal("""{"Count":0,"List":[]}""", (await enterprise.PostAsync("/openapi/partyuser/list")).Body);
    }

    [Fact]
    public async Task DepartmentWithoutMembersHasEmptyList()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        (await AddAsync(enterprise, "销售")).AssertEmptySuccess();

        var response = await enterprise.PostAsync("/openapi/partyuser/list", ("PartyPath", "销售"));

        Assert.Equal("""{"Count":0,"List":[]}""", response.Body);
    }

    [Fact]
    public async Task OtherEnterprisesMembersAreNotListed()
    {
        var ours = await _app.CreateEnterpriseAsync();
        var theirs = await _app.CreateEnterpriseAsync();
        await TestMembers.AddAsync(theirs, "bob");

        Assert.Equal("""{"Count":0,"List":[]}""", (await ours.PostAsync("/openapi/partyuser/list")).Body);
    }

    [Fact]
    public async Task UnknownPathIsPartyNotFound()
    {
        var enterprise = await _app.CreateEnterpriseAsync();

        var response = await enterprise.PostAsync("/openapi/partyuser/list", ("PartyPath", "销售"));

        response.AssertError("1310", "party_not_found");
    }

    [Fact]
    public async Task InvalidPathIsInvalidPartyPath()
    {
        var enterprise = await _app.CreateEnterpriseAsync();

        var response = await enterprise.PostAsync("/openapi/partyuser/list", ("PartyPath", "a/b/c/d/e/f"));

        response.AssertError("1313", "invalid_party_path");
    }

    private static Task<ApiResponse> AddAsync(TestEnterprise enterprise, string path) =>
        enterprise.PostAsync("/openapi/party/sync", ("Action", "2"), ("DstPath", path));
}
