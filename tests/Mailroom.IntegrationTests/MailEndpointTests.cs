using System.Security.Cryptography;
using System.Text.Json;
using Mailroom.Server.Directory;
using Mailroom.Server.Storage;

namespace Mailroom.IntegrationTests;

public sealed class MailEndpointTests : IClassFixture<ServerFixture>
{
    private readonly MailroomApp _app;

    public MailEndpointTests(ServerFixture fixture) => _app = fixture.App;

    [Fact]
    public async Task NewCountIsTheUnreadCountAsADigitStringUnderThePrimary()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob", ("Slave", enterprise.Address("bb")));
        await enterprise.WriteAsync(s => s.ExecuteAsync("UPDATE members SET unread_count = 15 WHERE address = @a", ("@a", bob)));

        var response = await enterprise.PostAsync("/openapi/mail/newcount", ("alias", enterprise.Address("BB")));

        Assert.Equal($"{{\"Alias\":\"{bob}\",\"NewCount\":\"15\"}}", response.Body);
        Assert.Equal(JsonValueKind.String, response.Json.GetProperty("NewCount").ValueKind);
    }

    [Fact]
    public async Task NewCountOfANewMemberIsZero()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob");
        Assert.Equal("0", (await enterprise.PostAsync("/openapi/mail/newcount", ("alias", bob))).Json.GetProperty("NewCount").GetString());
    }

    [Theory]
    [InlineData("ghost@{domain}")]
    [InlineData("bob@elsewhere.example")]
    [InlineData("not an address")]
    public async Task NewCountOfAnUnknownAccountIsMailboxNotFound(string alias)
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        await enterprise.AddMemberAsync("bob");
        var response = await enterprise.PostAsync("/openapi/mail/newcount", ("alias", alias.Replace("{domain}", enterprise.Domain, StringComparison.Ordinal)));
        response.AssertError("1400", "mailbox_not_found");
    }

    [Theory]
    [InlineData("/openapi/mail/newcount")]
    [InlineData("/openapi/mail/authkey")]
    public async Task MissingAliasIsInvalidRequest(string path)
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        (await enterprise.PostAsync(path)).AssertError("1001", "invalid_request");
    }

    [Fact]
    public async Task AuthKeyIsOneKeyUnderBothNamesStoredOnlyAsItsHash()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob", ("Slave", enterprise.Address("bb")));
        var bobId = (await enterprise.MemberRowAsync(bob))!.Id;
        var clientKey = await enterprise.ReadAsync(async s => (await ClientStore.FindAsync(s, enterprise.ClientId))!.Key);
        var issuedAfter = DateTimeOffset.UtcNow;

        var response = await enterprise.PostAsync("/openapi/mail/authkey", ("alias", enterprise.Address("bb")));

        var json = response.Json;
        Assert.Equal(["auth_key", "AuthKey"], TestDirectory.Keys(json));
        var key = json.GetProperty("auth_key").GetString()!;
        Assert.Equal(key, json.GetProperty("AuthKey").GetString());
        Assert.Equal(112, key.Length);
        Assert.All(key, c => Assert.True(char.IsAsciiDigit(c) || c is >= 'A' and <= 'F'));

        var stored = await enterprise.ReadAsync(s => AuthKeyStore.FindAsync(s, SHA256.HashData(Convert.FromHexString(key))));
        Assert.NotNull(stored);
        Assert.Equal(clientKey, stored.ClientKey);
        Assert.Equal(bobId, stored.MemberId);
        Assert.InRange(stored.ExpiresAt, issuedAfter.AddSeconds(299), DateTimeOffset.UtcNow.AddSeconds(301));
        Assert.Equal(AuthKeys.HashOf(key.ToLowerInvariant()), SHA256.HashData(Convert.FromHexString(key)));

        var operations = await enterprise.OperationsAsync();
        var logged = operations.First(o => o.Record.Endpoint == "mail/authkey").Record;
        Assert.Equal("0", logged.Result);
        Assert.All(operations, o => Assert.DoesNotContain(key, o.Record.Parameters, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task EveryAuthKeyIsDifferent()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob");
        var first = (await enterprise.PostAsync("/openapi/mail/authkey", ("alias", bob))).Json.GetProperty("auth_key").GetString();
        var second = (await enterprise.PostAsync("/openapi/mail/authkey", ("alias", bob))).Json.GetProperty("auth_key").GetString();
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task AuthKeyOfADisabledMemberIsUserDisabled()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob", ("OpenType", "2"));
        var response = await enterprise.PostAsync("/openapi/mail/authkey", ("alias", bob));
        response.AssertError("1308", "user_disabled");
        Assert.Equal(0, await enterprise.CountRowsAsync("authkeys", (await enterprise.MemberRowAsync(bob))!.Id));
        Assert.Equal("1308 user_disabled", (await enterprise.OperationsAsync()).First(o => o.Record.Endpoint == "mail/authkey").Record.Result);
    }

    [Theory]
    [InlineData("ghost@{domain}")]
    [InlineData("bob@elsewhere.example")]
    [InlineData("not an address")]
    public async Task AuthKeyOfAnUnknownAccountIsMailboxNotFound(string alias)
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var response = await enterprise.PostAsync("/openapi/mail/authkey", ("alias", alias.Replace("{domain}", enterprise.Domain, StringComparison.Ordinal)));
        response.AssertError("1400", "mailbox_not_found");
    }

    [Fact]
    public async Task AuthKeyLifetimeIsConfigurable()
    {
        using var app = new MailroomApp(settings: new Dictionary<string, string?> { ["Mailroom:Sso:AuthKeyLifetimeSeconds"] = "60" });
        var enterprise = await app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob");
        var issuedAfter = DateTimeOffset.UtcNow;

        var key = (await enterprise.PostAsync("/openapi/mail/authkey", ("alias", bob))).Json.GetProperty("auth_key").GetString()!;

        var stored = await enterprise.ReadAsync(s => AuthKeyStore.FindAsync(s, AuthKeys.HashOf(key)!));
        Assert.InRange(stored!.ExpiresAt, issuedAfter.AddSeconds(59), DateTimeOffset.UtcNow.AddSeconds(61));
    }

    [Fact]
    public async Task ExpiredKeysOfTheMemberAreDroppedWhenANewOneIsIssued()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var bob = await enterprise.AddMemberAsync("bob");
        var bobId = (await enterprise.MemberRowAsync(bob))!.Id;
        await enterprise.PostAsync("/openapi/mail/authkey", ("alias", bob));
        await enterprise.WriteAsync(s => s.ExecuteAsync("UPDATE authkeys SET expires_at = 0 WHERE member_id = @m", ("@m", bobId)));

        await enterprise.PostAsync("/openapi/mail/authkey", ("alias", bob));

        Assert.Equal(1, await enterprise.CountRowsAsync("authkeys", bobId));
    }
}
