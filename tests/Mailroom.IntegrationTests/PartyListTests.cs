using System.Net.Http.Headers;

namespace Mailroom.IntegrationTests;

public sealed class PartyListTests : IClassFixture<ServerFixture>
{
    private readonly MailroomApp _app;

    public PartyListTests(ServerFixture fixture) => _app = fixture.App;

    [Fact]
    public async Task RootListsTopLevelDepartmentsSortedByNameAsAsciiJson()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        foreach (var name in new[] { "部门c", "部门a", "部门B" })
        {
            (await AddAsync(enterprise, name)).AssertEmptySuccess();
        }

        var response = await enterprise.PostAsync("/openapi/party/list", ("PartyPath", ""));

        Assert.Equal(
            """{"Count":3,"List":[{"Value":"\u90E8\u95E8a"},{"Value":"\u90E8\u95E8B"},{"Value":"\u90E8\u95E8c"}]}""",
            response.Body);
        Assert.Equal("application/json; charset=utf-8", response.Message.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public async Task ListsOnlyImmediateChildren()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        (await AddAsync(enterprise, "IT部/产品/前端")).AssertEmptySuccess();
        (await AddAsync(enterprise, "IT部/运维")).AssertEmptySuccess();

        var response = await enterprise.PostAsync("/openapi/party/list", ("PartyPath", "/IT部"));

        Assert.Equal("""{"Count":2,"List":[{"Value":"\u4EA7\u54C1"},{"Value":"\u8FD0\u7EF4"}]}""", response.Body);
    }

    [Fact]
    public async Task DepartmentWithoutChildrenHasEmptyList()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        (await AddAsync(enterprise, "IT部")).AssertEmptySuccess();

        var response = await enterprise.PostAsync("/openapi/party/list", ("PartyPath", "IT部"));

        Assert.Equal("""{"Count":0,"List":[]}""", response.Body);
    }

    [Fact]
    public async Task EmptyEnterpriseRootHasEmptyList()
    {
        var enterprise = await _app.CreateEnterpriseAsync();

        var response = await enterprise.PostAsync("/openapi/party/list");

        Assert.Equal("""{"Count":0,"List":[]}""", response.Body);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    [InlineData(" / ")]
    public async Task EveryRootSpellingListsTheRoot(string path)
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        (await AddAsync(enterprise, "IT部")).AssertEmptySuccess();

        var response = await enterprise.PostAsync("/openapi/party/list", ("PartyPath", path));

        Assert.Equal("""{"Count":1,"List":[{"Value":"IT\u90E8"}]}""", response.Body);
    }

    [Fact]
    public async Task BracketArrayFormAndGetAreAccepted()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        (await AddAsync(enterprise, "IT部/产品")).AssertEmptySuccess();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/openapi/party/list?PartyPath[0]={Uri.EscapeDataString("IT部")}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", enterprise.Token);

        var response = await enterprise.SendAsync(request);

        Assert.Equal("""{"Count":1,"List":[{"Value":"\u4EA7\u54C1"}]}""", response.Body);
    }

    [Fact]
    public async Task OtherEnterprisesDepartmentsAreNotListed()
    {
        var ours = await _app.CreateEnterpriseAsync();
        var theirs = await _app.CreateEnterpriseAsync();
        (await AddAsync(theirs, "IT部/产品")).AssertEmptySuccess();

        Assert.Equal("""{"Count":0,"List":[]}""", (await ours.PostAsync("/openapi/party/list")).Body);
        (await ours.PostAsync("/openapi/party/list", ("PartyPath", "IT部"))).AssertError("1310", "party_not_found");
    }

    [Fact]
    public async Task UnknownPathIsPartyNotFound()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        (await AddAsync(enterprise, "IT部")).AssertEmptySuccess();

        var response = await enterprise.PostAsync("/openapi/party/list", ("PartyPath", "IT部/产品"));

        response.AssertError("1310", "party_not_found");
    }

    [Fact]
    public async Task InvalidPathIsInvalidPartyPath()
    {
        var enterprise = await _app.CreateEnterpriseAsync();

        var response = await enterprise.PostAsync("/openapi/party/list", ("PartyPath", "a/b/c/d/e/f"));

        response.AssertError("1313", "invalid_party_path");
    }

    private static Task<ApiResponse> AddAsync(TestEnterprise enterprise, string path) =>
        enterprise.PostAsync("/openapi/party/sync", ("Action", "2"), ("DstPath", path));
}
