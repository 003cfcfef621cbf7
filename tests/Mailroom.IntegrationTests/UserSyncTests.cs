using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Mailroom.Server.Storage;

namespace Mailroom.IntegrationTests;

public sealed class UserSyncTests : IClassFixture<ServerFixture>
{
    private readonly MailroomApp _app;

    public UserSyncTests(ServerFixture fixture) => _app = fixture.App;

    [Fact]
    public async Task AddAnswersAnEmptyBodyAndUserGetShowsEveryField()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = enterprise.Address("bob");
        var response = await enterprise.PostAsync(
            "/openapi/user/sync",
            ("Action", "2"), ("Alias", bob), ("Name", "Bob"), ("Password", "123456"), ("Gender", "1"),
            ("Position", "Engineer"), ("Tel", "62394"), ("Mobile", "13800000000"), ("ExtId", "100"),
            ("Slave", enterprise.Address("bb")), ("Slave", enterprise.Address("bo")));
        response.AssertEmptySuccess();

        var get = await enterprise.PostAsync("/openapi/user/get", ("alias", bob));
        var json = get.Json;
        Assert.Equal(
            ["Alias", "Name", "Gender", "SlaveList", "Position", "Tel", "Mobile", "ExtId", "PartyList", "OpenType", "Status"],
            TestDirectory.Keys(json));
        Assert.Equal(bob, json.GetProperty("Alias").GetString());
        Assert.Equal("Bob", json.GetProperty("Name").GetString());
        Assert.Equal(JsonValueKind.Number, json.GetProperty("Gender").ValueKind);
        Assert.Equal(1, json.GetProperty("Gender").GetInt32());
        Assert.Equal($"{enterprise.Address("bb")},{enterprise.Address("bo")}", json.GetProperty("SlaveList").GetString());
        Assert.Equal("Engineer", json.GetProperty("Position").GetString());
        Assert.Equal(JsonValueKind.String, json.GetProperty("Tel").ValueKind);
        Assert.Equal("62394", json.GetProperty("Tel").GetString());
        Assert.Equal(JsonValueKind.String, json.GetProperty("Mobile").ValueKind);
        Assert.Equal("13800000000", json.GetProperty("Mobile").GetString());
        Assert.Equal(JsonValueKind.String, json.GetProperty("ExtId").ValueKind);
        Assert.Equal("100", json.GetProperty("ExtId").GetString());
        Assert.Equal(JsonValueKind.Number, json.GetProperty("OpenType").ValueKind);
        Assert.Equal(1, json.GetProperty("OpenType").GetInt32());
        Assert.Equal(JsonValueKind.Number, json.GetProperty("Status").ValueKind);
        Assert.Equal(1, json.GetProperty("Status").GetInt32());
    }

    [Fact]
    public async Task AddWithOnlyRequiredFieldsHasEmptyStringsAndTheRoot()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob");

        var get = await enterprise.PostAsync("/openapi/user/get", ("alias", bob));
        Assert.Contains("\"PartyList\":{\"Count\":0,\"List\":[]}", get.Body, StringComparison.Ordinal);
        var json = get.Json;
        Assert.Equal(0, json.GetProperty("Gender").GetInt32());
        Assert.Equal("", json.GetProperty("SlaveList").GetString());
        Assert.Equal("", json.GetProperty("Position").GetString());
        Assert.Equal("", json.GetProperty("Tel").GetString());
        Assert.Equal("", json.GetProperty("Mobile").GetString());
        Assert.Equal("", json.GetProperty("ExtId").GetString());
    }

    [Fact]
    public async Task AliasIsStoredInLowerCase()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var response = await enterprise.PostAsync(
            "/openapi/user/sync", ("Action", "2"), ("Alias", "Mixed.Case@" + enterprise.Domain.ToUpperInvariant()), ("Name", "M"), ("Password", "123456"));
        response.AssertEmptySuccess();
        Assert.Equal(enterprise.Address("mixed.case"), (await enterprise.GetMemberAsync(enterprise.Address("MIXED.case"))).GetProperty("Alias").GetString());
    }

    [Fact]
    public async Task MemberInNestedDepartmentsListsFullPathsSorted()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        await TestDepartments.CreateAsync(enterprise, "部门c");
        await TestDepartments.CreateAsync(enterprise, "部门B/部门b/深");
        await TestDepartments.CreateAsync(enterprise, "部门a");
        var bob = await enterprise.AddMemberAsync("bob", ("PartyPath[0]", "/部门c"), ("PartyPath[1]", "部门B/部门b/深/"), ("PartyPath[2]", "部门a"));

        var json = await enterprise.GetMemberAsync(bob);
        var parties = json.GetProperty("PartyList");
        Assert.Equal(3, parties.GetProperty("Count").GetInt32());
        Assert.Equal(["部门a", "部门B/部门b/深", "部门c"], parties.GetProperty("List").EnumerateArray().Select(v => v.GetProperty("Value").GetString()!));
    }

    [Fact]
    public async Task PartyPathBracketFormWithoutIndexRepeats()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        await TestDepartments.CreateAsync(enterprise, "a");
        await TestDepartments.CreateAsync(enterprise, "b");
        var bob = await enterprise.AddMemberAsync("bob", ("PartyPath[]", "a"), ("PartyPath[]", "b"));
        Assert.Equal(2, (await enterprise.GetMemberAsync(bob)).GetProperty("PartyList").GetProperty("Count").GetInt32());
    }

    [Fact]
    public async Task PartyPathSlashAloneMovesTheMemberToTheRoot()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        await TestDepartments.CreateAsync(enterprise, "IT");
        var bob = await enterprise.AddMemberAsync("bob", ("PartyPath", "IT"));
        var before = await enterprise.VersionAsync();

        (await enterprise.PostAsync("/openapi/user/sync", ("Action", "3"), ("Alias", bob), ("PartyPath", "/"))).AssertEmptySuccess();

        Assert.Equal(0, (await enterprise.GetMemberAsync(bob)).GetProperty("PartyList").GetProperty("Count").GetInt32());
        Assert.Equal([(3, bob)], (await enterprise.ListAsync(before)).List);
    }

    [Fact]
    public async Task PartyPathReplacesTheDepartmentSet()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        await TestDepartments.CreateAsync(enterprise, "a");
        await TestDepartments.CreateAsync(enterprise, "b/c");
        var bob = await enterprise.AddMemberAsync("bob", ("PartyPath", "a"));

        (await enterprise.PostAsync("/openapi/user/sync", ("Action", "3"), ("Alias", bob), ("PartyPath", "b/c"), ("PartyPath", "b"))).AssertEmptySuccess();

        var paths = (await enterprise.GetMemberAsync(bob)).GetProperty("PartyList").GetProperty("List").EnumerateArray().Select(v => v.GetProperty("Value").GetString());
        Assert.Equal(["b", "b/c"], paths);
    }

    [Fact]
    public async Task UnknownDepartmentIsPartyNotFoundAndCreatesNothing()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        await TestDepartments.CreateAsync(enterprise, "a");
        var before = await enterprise.VersionAsync();

        var response = await enterprise.PostAsync(
            "/openapi/user/sync", ("Action", "2"), ("Alias", enterprise.Address("bob")), ("Name", "Bob"), ("Password", "123456"),
            ("PartyPath", "a"), ("PartyPath", "a/missing"));

        response.AssertError("1310", "party_not_found");
        Assert.Equal(0, await enterprise.CheckAsync(enterprise.Address("bob")));
        Assert.Equal(before, await enterprise.VersionAsync());
        var departments = await enterprise.ReadAsync(s => DepartmentStore.FindIdAsync(s, enterprise.Id, ["a", "missing"]));
        Assert.Null(departments);
    }

    [Fact]
    public async Task IllegalPartyPathIsInvalidPartyPath()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var response = await enterprise.PostAsync(
            "/openapi/user/sync", ("Action", "2"), ("Alias", enterprise.Address("bob")), ("Name", "Bob"), ("Password", "123456"), ("PartyPath", "a/b/c/d/e/f"));
        response.AssertError("1313", "invalid_party_path");
    }

    [Fact]
    public async Task NonAsciiNameRoundTripsAsAsciiEscapes()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob", ("Name", "鲍勃 Ünïcødé 😀"), ("Position", "工程师"));

        var get = await enterprise.PostAsync("/openapi/user/get", ("alias", bob));
        TestDirectory.AssertAscii(get.Body);
        Assert.Contains("\\u9C8D\\u52C3", get.Body, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("鲍勃 Ünïcødé 😀", get.Json.GetProperty("Name").GetString());
        Assert.Equal("工程师", get.Json.GetProperty("Position").GetString());
    }

    [Fact]
    public async Task JsonBodyWithArraysIsAccepted()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        await TestDepartments.CreateAsync(enterprise, "a");
        var bob = enterprise.Address("bob");
        var body = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["Action"] = 2,
            ["Alias"] = bob,
            ["Name"] = "Bob",
            ["Password"] = "123456",
            ["Gender"] = 2,
            ["PartyPath"] = new List<string> { "a" },
            ["Slave"] = new[] { enterprise.Address("b1"), enterprise.Address("b2") },
        });
        var request = new HttpRequestMessage(HttpMethod.Post, "/openapi/user/sync") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", enterprise.Token);
        (await enterprise.SendAsync(request)).AssertEmptySuccess();

        var json = await enterprise.GetMemberAsync(bob);
        Assert.Equal(2, json.GetProperty("Gender").GetInt32());
        Assert.Equal($"{enterprise.Address("b1")},{enterprise.Address("b2")}", json.GetProperty("SlaveList").GetString());
        Assert.Equal(1, json.GetProperty("PartyList").GetProperty("Count").GetInt32());
    }

    [Fact]
    public async Task WriteByGetWithEverythingInTheQueryWorks()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = enterprise.Address("bob");
        var request = new HttpRequestMessage(
            HttpMethod.Get,
            $"/openapi/user/sync?action=2&ALIAS={Uri.EscapeDataString(bob)}&name=%E9%B2%8D%E5%8B%83&password=123456&slave[]={Uri.EscapeDataString(enterprise.Address("b1"))}&access_token={enterprise.Token}");
        (await enterprise.SendAsync(request)).AssertEmptySuccess();
        var json = await enterprise.GetMemberAsync(bob);
        Assert.Equal("鲍勃", json.GetProperty("Name").GetString());
        Assert.Equal(enterprise.Address("b1"), json.GetProperty("SlaveList").GetString());
    }
}
