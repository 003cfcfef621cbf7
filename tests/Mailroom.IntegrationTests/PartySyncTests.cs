using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Mailroom.IntegrationTests;

public sealed class PartySyncTests : IClassFixture<ServerFixture>
{
    private readonly MailroomApp _app;

    public PartySyncTests(ServerFixture fixture) => _app = fixture.App;

    [Fact]
    public async Task AddCreatesPathAndMissingParents()
    {
        var enterprise = await _app.CreateEnterpriseAsync();

        (await AddAsync(enterprise, "/IT部/产品/前端")).AssertEmptySuccess();

        Assert.Equal(["IT部"], await ChildrenAsync(enterprise, ""));
        Assert.Equal(["产品"], await ChildrenAsync(enterprise, "IT部"));
        Assert.Equal(["前端"], await ChildrenAsync(enterprise, "IT部/产品"));
        Assert.Empty(await ChildrenAsync(enterprise, "IT部/产品/前端"));
    }

    [Fact]
    public async Task AddOfExistingPathSucceedsAndChangesNothing()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        (await AddAsync(enterprise, "IT部/产品")).AssertEmptySuccess();
        var version = await TestMembers.VersionAsync(enterprise);

        (await AddAsync(enterprise, "/IT部/产品/")).AssertEmptySuccess();
        (await AddAsync(enterprise, "IT部")).AssertEmptySuccess();

        Assert.Equal(["IT部"], await ChildrenAsync(enterprise, ""));
        Assert.Equal(["产品"], await ChildrenAsync(enterprise, "IT部"));
        Assert.Equal(version, await TestMembers.VersionAsync(enterprise));
    }

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    [InlineData(null)]
    public async Task AddOfRootSucceedsAndChangesNothing(string? path)
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var version = await TestMembers.VersionAsync(enterprise);

        var response = path is null
            ? await enterprise.PostAsync("/openapi/party/sync", ("Action", "2"))
            : await AddAsync(enterprise, path);

        response.AssertEmptySuccess();
        Assert.Empty(await ChildrenAsync(enterprise, ""));
        Assert.Equal(version, await TestMembers.VersionAsync(enterprise));
    }

    [Fact]
    public async Task AddAcceptsJsonBodyWithNumericAction()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/openapi/party/sync")
        {
            Content = new StringContent("""{"Action":2,"DstPath":"/销售/华南"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", enterprise.Token);

        (await enterprise.SendAsync(request)).AssertEmptySuccess();

        Assert.Equal(["华南"], await ChildrenAsync(enterprise, "销售"));
    }

    [Fact]
    public async Task AddByGetWithRawUtf8QuerySucceeds()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/openapi/party/sync?action=2&dstpath={Uri.EscapeDataString("/市场部/")}");
        request.Headers.Authorization = new AuthenticationHeaderValue("bearer", enterprise.Token);

        (await enterprise.SendAsync(request)).AssertEmptySuccess();

        Assert.Equal(["市场部"], await ChildrenAsync(enterprise, ""));
    }

    [Fact]
    public async Task NamesAreCaseSensitive()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        (await AddAsync(enterprise, "Sales")).AssertEmptySuccess();
        (await AddAsync(enterprise, "sales")).AssertEmptySuccess();

        Assert.Equal(["Sales", "sales"], await ChildrenAsync(enterprise, ""));
        (await DeleteAsync(enterprise, "SALES")).AssertError("1310", "party_not_found");
    }

    [Fact]
    public async Task MissingActionIsInvalidRequest()
    {
        var enterprise = await _app.CreateEnterpriseAsync();

        var response = await enterprise.PostAsync("/openapi/party/sync", ("DstPath", "IT部"));

        response.AssertError("1001", "invalid_request");
        Assert.Contains("Action", response.Json.GetProperty("errmsg").GetString(), StringComparison.Ordinal);
        Assert.Empty(await ChildrenAsync(enterprise, ""));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("4")]
    [InlineData("x")]
    [InlineData("-1")]
    public async Task UnknownActionIsInvalidAction(string action)
    {
        var enterprise = await _app.CreateEnterpriseAsync();

        var response = await enterprise.PostAsync("/openapi/party/sync", ("Action", action), ("DstPath", "IT部"));

        response.AssertError("1203", "invalid_action");
        Assert.Empty(await ChildrenAsync(enterprise, ""));
    }

    [Theory]
    [InlineData("a/b/c/d/e/f")]
    [InlineData("a//b")]
    [InlineData("a/ /b")]
    [InlineData("a/b\u0001")]
    public async Task InvalidPathIsInvalidPartyPath(string path)
    {
        var enterprise = await _app.CreateEnterpriseAsync();

        (await AddAsync(enterprise, path)).AssertError("1313", "invalid_party_path");

        Assert.Empty(await ChildrenAsync(enterprise, ""));
    }

    [Fact]
    public async Task SegmentOver64CharactersIsInvalidPartyPath()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        (await AddAsync(enterprise, "部/" + new string('长', 64))).AssertEmptySuccess();

        (await AddAsync(enterprise, "部/" + new string('长', 65))).AssertError("1313", "invalid_party_path");

        Assert.Equal([new string('长', 64)], await ChildrenAsync(enterprise, "部"));
    }

    [Fact]
    public async Task DeleteRemovesOnlyTheLastSegment()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        (await AddAsync(enterprise, "IT部/产品")).AssertEmptySuccess();

        (await DeleteAsync(enterprise, "/IT部/产品")).AssertEmptySuccess();

        Assert.Equal(["IT部"], await ChildrenAsync(enterprise, ""));
        Assert.Empty(await ChildrenAsync(enterprise, "IT部"));
        (await ListAsync(enterprise, "IT部/产品")).AssertError("1310", "party_not_found");
    }

    [Fact]
    public async Task DeleteOfUnknownDepartmentIsPartyNotFound()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        (await AddAsync(enterprise, "IT部")).AssertEmptySuccess();

        (await DeleteAsync(enterprise, "IT部/产品")).AssertError("1310", "party_not_found");
    }

    [Fact]
    public async Task DeleteWithSubDepartmentIsPartyNotEmpty()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        (await AddAsync(enterprise, "IT部/产品")).AssertEmptySuccess();

        (await DeleteAsync(enterprise, "IT部")).AssertError("1311", "party_not_empty");

        Assert.Equal(["IT部"], await ChildrenAsync(enterprise, ""));
        Assert.Equal(["产品"], await ChildrenAsync(enterprise, "IT部"));
    }

    [Fact]
    public async Task DeleteWithMemberIsPartyNotEmpty()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        (await AddAsync(enterprise, "IT部")).AssertEmptySuccess();
        var bob = await TestMembers.AddAsync(enterprise, "bob", "IT部");
        var version = await TestMembers.VersionAsync(enterprise);

        (await DeleteAsync(enterprise, "IT部")).AssertError("1311", "party_not_empty");

        Assert.Equal(["IT部"], await ChildrenAsync(enterprise, ""));
        Assert.Equal([bob], await MembersAsync(enterprise, "IT部"));
        Assert.Equal(version, await TestMembers.VersionAsync(enterprise));
    }

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    public async Task DeleteOfRootIsInvalidRequest(string path)
    {
        var enterprise = await _app.CreateEnterpriseAsync();

        (await DeleteAsync(enterprise, path)).AssertError("1001", "invalid_request");
    }

    [Fact]
    public async Task ModRenamesDepartment()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        (await AddAsync(enterprise, "研发/后端")).AssertEmptySuccess();

        (await MoveAsync(enterprise, "研发/后端", "/研发/服务端")).AssertEmptySuccess();

        Assert.Equal(["服务端"], await ChildrenAsync(enterprise, "研发"));
    }

    [Fact]
    public async Task ModMovesSubtreeAndMembersAndRecordsOneModPerMemberInOneVersion()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        (await AddAsync(enterprise, "研发/后端/数据库")).AssertEmptySuccess();
        var ann = await TestMembers.AddAsync(enterprise, "ann", "研发/后端");
        var ben = await TestMembers.AddAsync(enterprise, "ben", "研发/后端/数据库");
        var cat = await TestMembers.AddAsync(enterprise, "cat", "研发");
        var dan = await TestMembers.AddAsync(enterprise, "dan", "研发/后端", "研发/后端/数据库", "研发");
        var before = await TestMembers.VersionAsync(enterprise);
        var changesBefore = (await TestMembers.ChangesAsync(enterprise)).Count;

        (await MoveAsync(enterprise, "/研发/后端", "技术/服务端")).AssertEmptySuccess();

        Assert.Equal(["技术", "研发"], await ChildrenAsync(enterprise, ""));
        Assert.Empty(await ChildrenAsync(enterprise, "研发"));
        Assert.Equal(["服务端"], await ChildrenAsync(enterprise, "技术"));
        Assert.Equal(["数据库"], await ChildrenAsync(enterprise, "技术/服务端"));
        Assert.Equal([ann, dan], await MembersAsync(enterprise, "技术/服务端"));
        Assert.Equal([ben, dan], await MembersAsync(enterprise, "技术/服务端/数据库"));
        Assert.Equal([cat, dan], await MembersAsync(enterprise, "研发"));
        (await MembersResponseAsync(enterprise, "研发/后端")).AssertError("1310", "party_not_found");

        Assert.Equal(["技术/服务端/数据库"], await PartyListAsync(enterprise, ben));
        Assert.Equal(["技术/服务端", "技术/服务端/数据库", "研发"], await PartyListAsync(enterprise, dan));
        Assert.Equal(["研发"], await PartyListAsync(enterprise, cat));

        var after = await TestMembers.VersionAsync(enterprise);
        Assert.True(after > before);
        var changes = (await TestMembers.ChangesAsync(enterprise)).Skip(changesBefore).ToList();
        Assert.Equal([(after, ann, 3), (after, ben, 3), (after, dan, 3)], changes);
    }

    [Fact]
    public async Task ModWithoutMembersConsumesNoVersion()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        (await AddAsync(enterprise, "研发/后端")).AssertEmptySuccess();
        await TestMembers.AddAsync(enterprise, "ann", "研发");
        var version = await TestMembers.VersionAsync(enterprise);
        var changes = await TestMembers.ChangesAsync(enterprise);

        (await MoveAsync(enterprise, "研发/后端", "后端")).AssertEmptySuccess();

        Assert.Equal(["后端", "研发"], await ChildrenAsync(enterprise, ""));
        Assert.Equal(version, await TestMembers.VersionAsync(enterprise));
        Assert.Equal(changes, await TestMembers.ChangesAsync(enterprise));
    }

    [Fact]
    public async Task ModOfUnknownSourceIsPartyNotFound()
    {
        var enterprise = await _app.CreateEnterpriseAsync();

        (await MoveAsync(enterprise, "研发", "技术/研发")).AssertError("1310", "party_not_found");

        Assert.Empty(await ChildrenAsync(enterprise, ""));
    }

    [Fact]
    public async Task ModOntoExistingDepartmentIsPartyExists()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        (await AddAsync(enterprise, "研发/后端")).AssertEmptySuccess();
        (await AddAsync(enterprise, "技术")).AssertEmptySuccess();
        await TestMembers.AddAsync(enterprise, "ann", "研发/后端");
        var version = await TestMembers.VersionAsync(enterprise);

        (await MoveAsync(enterprise, "研发/后端", "技术")).AssertError("1312", "party_exists");

        Assert.Equal(["后端"], await ChildrenAsync(enterprise, "研发"));
        Assert.Empty(await ChildrenAsync(enterprise, "技术"));
        Assert.Equal(version, await TestMembers.VersionAsync(enterprise));
    }

    [Theory]
    [InlineData("研发/后端")]
    [InlineData("/研发/后端/")]
    [InlineData("研发/后端/新")]
    [InlineData("研发/后端/数据库/新")]
    public async Task ModIntoItselfIsPartyMoveIntoSelf(string destination)
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        (await AddAsync(enterprise, "研发/后端/数据库")).AssertEmptySuccess();

        (await MoveAsync(enterprise, "研发/后端", destination)).AssertError("1314", "party_move_into_self");

        Assert.Equal(["数据库"], await ChildrenAsync(enterprise, "研发/后端"));
        Assert.Empty(await ChildrenAsync(enterprise, "研发/后端/数据库"));
    }

    [Fact]
    public async Task ModBeyondFiveLevelsIsInvalidPartyPathAndCreatesNothing()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        (await AddAsync(enterprise, "a/b/c")).AssertEmptySuccess();
        await TestMembers.AddAsync(enterprise, "ann", "a/b/c");
        var version = await TestMembers.VersionAsync(enterprise);

        // b has two levels (b, c): under four new levels it would reach level 6.
        (await MoveAsync(enterprise, "a/b", "w/x/y/z/b")).AssertError("1313", "invalid_party_path");

        Assert.Equal(["a"], await ChildrenAsync(enterprise, ""));
        Assert.Equal(["b"], await ChildrenAsync(enterprise, "a"));
        Assert.Equal(version, await TestMembers.VersionAsync(enterprise));

        // Exactly five levels is allowed.
        (await MoveAsync(enterprise, "a/b", "w/x/y/b")).AssertEmptySuccess();
        Assert.Equal(["c"], await ChildrenAsync(enterprise, "w/x/y/b"));
    }

    [Fact]
    public async Task ModOfRootOrOntoRootIsInvalidRequest()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        (await AddAsync(enterprise, "研发")).AssertEmptySuccess();

        (await MoveAsync(enterprise, "/", "技术")).AssertError("1001", "invalid_request");
        (await MoveAsync(enterprise, "研发", "")).AssertError("1001", "invalid_request");

        Assert.Equal(["研发"], await ChildrenAsync(enterprise, ""));
    }

    [Fact]
    public async Task ModWithInvalidSourcePathIsInvalidPartyPath()
    {
        var enterprise = await _app.CreateEnterpriseAsync();

        (await MoveAsync(enterprise, "a/b/c/d/e/f", "技术")).AssertError("1313", "invalid_party_path");

        Assert.Empty(await ChildrenAsync(enterprise, ""));
    }

    [Fact]
    public async Task EveryCallIsWrittenToTheOperationLog()
    {
        var enterprise = await _app.CreateEnterpriseAsync();

        (await AddAsync(enterprise, "研发")).AssertEmptySuccess();
        (await DeleteAsync(enterprise, "技术")).AssertError("1310", "party_not_found");
        (await enterprise.PostAsync("/openapi/party/sync", ("Action", "9"))).AssertError("1203", "invalid_action");

        Assert.Equal(
            [("party/sync", "0"), ("party/sync", "1310 party_not_found"), ("party/sync", "1203 invalid_action")],
            await TestMembers.OperationsAsync(enterprise));
    }

    private static Task<ApiResponse> AddAsync(TestEnterprise enterprise, string path) =>
        enterprise.PostAsync("/openapi/party/sync", ("Action", "2"), ("DstPath", path));

    private static Task<ApiResponse> DeleteAsync(TestEnterprise enterprise, string path) =>
        enterprise.PostAsync("/openapi/party/sync", ("Action", "1"), ("DstPath", path));

    private static Task<ApiResponse> MoveAsync(TestEnterprise enterprise, string source, string destination) =>
        enterprise.PostAsync("/openapi/party/sync", ("Action", "3"), ("SrcPath", source), ("DstPath", destination));

    private static Task<ApiResponse> ListAsync(TestEnterprise enterprise, string path) =>
        enterprise.PostAsync("/openapi/party/list", ("PartyPath", path));

    private static Task<ApiResponse> MembersResponseAsync(TestEnterprise enterprise, string path) =>
        enterprise.PostAsync("/openapi/partyuser/list", ("PartyPath", path));

    private static async Task<string[]> ChildrenAsync(TestEnterprise enterprise, string path) =>
        Values(await ListAsync(enterprise, path));

    private static async Task<string[]> MembersAsync(TestEnterprise enterprise, string path) =>
        Values(await MembersResponseAsync(enterprise, path));

    private static async Task<string[]> PartyListAsync(TestEnterprise enterprise, string address)
    {
        var response = await enterprise.PostAsync("/openapi/user/get", ("alias", address));
        Assert.Null(response.ErrCode);
        return response.Json.GetProperty("PartyList").GetProperty("List").EnumerateArray().Select(e => e.GetProperty("Value").GetString()!).ToArray();
    }

    private static string[] Values(ApiResponse response)
    {
        Assert.True(response.ErrCode is null, response.Body);
        var list = response.Json.GetProperty("List").EnumerateArray().Select(e => e.GetProperty("Value").GetString()!).ToArray();
        Assert.Equal(list.Length, response.Json.GetProperty("Count").GetInt32());
        Assert.Equal(JsonValueKind.Number, response.Json.GetProperty("Count").ValueKind);
        return list;
    }
}
