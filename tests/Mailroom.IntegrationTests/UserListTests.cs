using System.Text.Json;

namespace Mailroom.IntegrationTests;

public sealed class UserListTests : IClassFixture<ServerFixture>
{
    private readonly MailroomApp _app;

    public UserListTests(ServerFixture fixture) => _app = fixture.App;

    [Fact]
    public async Task VerZeroListsEveryMemberAsAddedWithTheCurrentVersionAsANumber()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob");
        var alice = await enterprise.AddMemberAsync("alice");
        var carol = await enterprise.AddMemberAsync("carol");
        await enterprise.PostAsync("/openapi/user/sync", ("Action", "1"), ("Alias", carol));

        var response = await enterprise.PostAsync("/openapi/user/list", ("Ver", "0"));

        var json = response.Json;
        Assert.Equal(["Ver", "Count", "List"], TestDirectory.Keys(json));
        Assert.Equal(JsonValueKind.Number, json.GetProperty("Ver").ValueKind);
        Assert.Equal(JsonValueKind.Number, json.GetProperty("Count").ValueKind);
        Assert.Equal(2, json.GetProperty("Count").GetInt32());
        var entries = json.GetProperty("List").EnumerateArray().ToList();
        Assert.All(entries, e => Assert.Equal(["Action", "Alias"], TestDirectory.Keys(e)));
        Assert.All(entries, e => Assert.Equal(JsonValueKind.Number, e.GetProperty("Action").ValueKind));
        Assert.Equal([(2, bob), (2, alice)], entries.Select(e => (e.GetProperty("Action").GetInt32(), e.GetProperty("Alias").GetString())));
    }

    [Fact]
    public async Task VerZeroOrdersMembersByTheirLastChange()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob");
        var alice = await enterprise.AddMemberAsync("alice");
        await enterprise.PostAsync("/openapi/user/sync", ("Action", "3"), ("Alias", bob), ("Name", "Bob"));

        Assert.Equal([(2, alice), (2, bob)], (await enterprise.ListAsync(0)).List);
    }

    [Fact]
    public async Task MissingOrEmptyVerIsZero()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob");

        foreach (var response in new[] { await enterprise.PostAsync("/openapi/user/list"), await enterprise.PostAsync("/openapi/user/list", ("Ver", "")) })
        {
            Assert.Equal(1, response.Json.GetProperty("Count").GetInt32());
            Assert.Equal(bob, response.Json.GetProperty("List")[0].GetProperty("Alias").GetString());
        }
    }

    [Fact]
    public async Task EmptyEnterpriseHasANonZeroVersionAndAnEmptyList()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var response = await enterprise.PostAsync("/openapi/user/list", ("Ver", "0"));
        Assert.True(response.Json.GetProperty("Ver").GetInt64() > 0);
        Assert.Contains("\"Count\":0,\"List\":[]", response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryMemberChangeTakesANewHigherVersion()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var v0 = await enterprise.VersionAsync();
        var bob = await enterprise.AddMemberAsync("bob");
        var v1 = await enterprise.VersionAsync();
        await enterprise.PostAsync("/openapi/user/sync", ("Action", "3"), ("Alias", bob), ("Name", "Bob"));
        var v2 = await enterprise.VersionAsync();
        Assert.True(v0 < v1 && v1 < v2);
    }

    [Fact]
    public async Task AddThenModifyIsAdded()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var before = await enterprise.VersionAsync();
        var bob = await enterprise.AddMemberAsync("bob");
        await enterprise.PostAsync("/openapi/user/sync", ("Action", "3"), ("Alias", bob), ("Name", "Bob"));

        Assert.Equal([(2, bob)], (await enterprise.ListAsync(before)).List);
    }

    [Fact]
    public async Task AddThenDeleteIsOmitted()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var before = await enterprise.VersionAsync();
        var bob = await enterprise.AddMemberAsync("bob");
        await enterprise.PostAsync("/openapi/user/sync", ("Action", "3"), ("Alias", bob), ("Name", "Bob"));
        await enterprise.PostAsync("/openapi/user/sync", ("Action", "1"), ("Alias", bob));

        var (ver, list) = await enterprise.ListAsync(before);
        Assert.Empty(list);
        Assert.True(ver > before);
    }

    [Fact]
    public async Task ExistingThenDeletedIsDeleted()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob");
        var before = await enterprise.VersionAsync();
        await enterprise.PostAsync("/openapi/user/sync", ("Action", "3"), ("Alias", bob), ("Name", "Bob"));
        await enterprise.PostAsync("/openapi/user/sync", ("Action", "1"), ("Alias", bob));

        Assert.Equal([(1, bob)], (await enterprise.ListAsync(before)).List);
    }

    [Fact]
    public async Task ExistingThenDeletedThenAddedIsModified()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob");
        var before = await enterprise.VersionAsync();
        await enterprise.PostAsync("/openapi/user/sync", ("Action", "1"), ("Alias", bob));
        await enterprise.AddMemberAsync("bob");

        Assert.Equal([(3, bob)], (await enterprise.ListAsync(before)).List);
    }

    [Fact]
    public async Task ExistingThenModifiedIsModified()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob");
        var before = await enterprise.VersionAsync();
        await enterprise.PostAsync("/openapi/user/sync", ("Action", "3"), ("Alias", bob), ("Name", "Bob"));
        await enterprise.PostAsync("/openapi/user/sync", ("Action", "3"), ("Alias", bob), ("Position", "CEO"));

        Assert.Equal([(3, bob)], (await enterprise.ListAsync(before)).List);
    }

    [Fact]
    public async Task EntriesAreOrderedByTheVersionOfTheirLastChange()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob");
        var alice = await enterprise.AddMemberAsync("alice");
        var before = await enterprise.VersionAsync();
        await enterprise.PostAsync("/openapi/user/sync", ("Action", "3"), ("Alias", bob), ("Name", "1"));
        var carol = await enterprise.AddMemberAsync("carol");
        await enterprise.PostAsync("/openapi/user/sync", ("Action", "1"), ("Alias", alice));
        await enterprise.PostAsync("/openapi/user/sync", ("Action", "3"), ("Alias", bob), ("Name", "2"));

        Assert.Equal([(2, carol), (1, alice), (3, bob)], (await enterprise.ListAsync(before)).List);
    }

    [Fact]
    public async Task TheAnswerIsExactForEveryVersion()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var v0 = await enterprise.VersionAsync();
        var bob = await enterprise.AddMemberAsync("bob");
        var v1 = await enterprise.VersionAsync();
        var alice = await enterprise.AddMemberAsync("alice");
        var v2 = await enterprise.VersionAsync();
        await enterprise.PostAsync("/openapi/user/sync", ("Action", "1"), ("Alias", bob));
        var v3 = await enterprise.VersionAsync();

        Assert.Equal([(2, alice)], (await enterprise.ListAsync(v0)).List);
        Assert.Equal([(2, alice), (1, bob)], (await enterprise.ListAsync(v1)).List);
        Assert.Equal([(1, bob)], (await enterprise.ListAsync(v2)).List);
        var (ver, list) = await enterprise.ListAsync(v3);
        Assert.Equal(v3, ver);
        Assert.Empty(list);

        // A Ver older than the enterprise itself still answers exactly: everything that exists now.
        Assert.Equal([(2, alice)], (await enterprise.ListAsync(1)).List);
    }

    [Fact]
    public async Task VerGreaterThanTheCurrentVersionIsVerInvalid()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var current = await enterprise.VersionAsync();
        var response = await enterprise.PostAsync("/openapi/user/list", ("Ver", (current + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        response.AssertError("1600", "ver_invalid");
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("+5")]
    [InlineData("99999999999999999999999")]
    public async Task VerThatIsNotANonNegativeIntegerIsVerInvalid(string ver)
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var response = await enterprise.PostAsync("/openapi/user/list", ("Ver", ver));
        response.AssertError("1600", "ver_invalid");
    }

    [Fact]
    public async Task ChangesOfAnotherEnterpriseAreNotListed()
    {
        var mine = await _app.CreateEnterpriseAsync();
        var theirs = await _app.CreateEnterpriseAsync();
        await theirs.AddMemberAsync("bob");
        var bob = await mine.AddMemberAsync("bob");
        Assert.Equal([(2, bob)], (await mine.ListAsync(0)).List);
        Assert.Equal([(2, bob)], (await mine.ListAsync(1)).List);
    }
}
