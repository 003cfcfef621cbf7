using System.Text.Json;

namespace Mailroom.IntegrationTests;

public sealed class UserCheckTests : IClassFixture<ServerFixture>
{
    private readonly MailroomApp _app;

    public UserCheckTests(ServerFixture fixture) => _app = fixture.App;

    [Fact]
    public async Task EachAddressIsTypedInRequestOrderAndEchoedAsSent()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        await enterprise.AddMemberAsync("bob", ("Slave", enterprise.Address("bobby")));
        await enterprise.CreateGroupAsync("team");
        string[] emails =
        [
            "Bob@" + enterprise.Domain.ToUpperInvariant(),
            enterprise.Address("free"),
            enterprise.Address("BOBBY"),
            enterprise.Address("team"),
            "bob@elsewhere.example",
            "not an address",
        ];

        var response = await enterprise.PostAsync("/openapi/user/check", [.. emails.Select(e => ("email", e))]);

        var json = response.Json;
        Assert.Equal(["Count", "List"], TestDirectory.Keys(json));
        Assert.Equal(6, json.GetProperty("Count").GetInt32());
        var list = json.GetProperty("List").EnumerateArray().ToList();
        Assert.All(list, e => Assert.Equal(["Email", "Type"], TestDirectory.Keys(e)));
        Assert.All(list, e => Assert.Equal(JsonValueKind.Number, e.GetProperty("Type").ValueKind));
        Assert.Equal(emails, list.Select(e => e.GetProperty("Email").GetString()));
        Assert.Equal([1, 0, 2, 3, -1, -1], list.Select(e => e.GetProperty("Type").GetInt32()));
    }

    [Fact]
    public async Task BracketFormsRepeatTheParameter()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob");
        var response = await enterprise.PostAsync("/openapi/user/check", ("email[0]", bob), ("email[1]", enterprise.Address("x")));
        Assert.Equal([1, 0], response.Json.GetProperty("List").EnumerateArray().Select(e => e.GetProperty("Type").GetInt32()));
    }

    [Fact]
    public async Task AnotherEnterprisesMemberIsInvalid()
    {
        var mine = await _app.CreateEnterpriseAsync();
        var theirs = await _app.CreateEnterpriseAsync();
        var their = await theirs.AddMemberAsync("bob");
        Assert.Equal(-1, await mine.CheckAsync(their));
    }

    [Fact]
    public async Task TwentyAddressesAreAccepted()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var response = await enterprise.PostAsync("/openapi/user/check", [.. Enumerable.Range(0, 20).Select(i => ("email", enterprise.Address($"u{i}")))]);
        Assert.Equal(20, response.Json.GetProperty("Count").GetInt32());
    }

    [Fact]
    public async Task MoreThanTwentyAddressesIsTooManyEmails()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var response = await enterprise.PostAsync("/openapi/user/check", [.. Enumerable.Range(0, 21).Select(i => ("email", enterprise.Address($"u{i}")))]);
        response.AssertError("1601", "too_many_emails");
    }

    [Fact]
    public async Task NoAddressIsInvalidRequest()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var response = await enterprise.PostAsync("/openapi/user/check", ("email", ""));
        response.AssertError("1001", "invalid_request");
        Assert.Contains("email", response.Json.GetProperty("errmsg").GetString(), StringComparison.Ordinal);
    }
}
