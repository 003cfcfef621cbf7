using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Mailroom.Server.Admin;
using Mailroom.Server.Protocol;
using Mailroom.Server.Storage;

namespace Mailroom.IntegrationTests;

/// <summary>The operation log (操作记录, PROTOCOL.md §8): what a call leaves behind, with secrets redacted.</summary>
public sealed class OperationLogTests : IClassFixture<ServerFixture>
{
    private readonly MailroomApp _app;

    public OperationLogTests(ServerFixture fixture) => _app = fixture.App;

    [Fact]
    public async Task AnAcceptedWriteAndARefusedWriteAreEachRecordedOnce()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var path = Unique("操作记录/测试");
        var before = DateTimeOffset.UtcNow;

        (await enterprise.PostAsync("/openapi/party/sync", ("Action", "2"), ("DstPath", path))).AssertEmptySuccess();
        (await enterprise.PostAsync("/openapi/party/sync", ("Action", "1"), ("DstPath", path + "/无"))).AssertError("1310", "party_not_found");

        var records = (await _app.Get<OperationHistory>().ListAsync(enterprise.ClientId, new OperationQuery(Endpoint: "party/sync"), TestContext.Current.CancellationToken)).Value!
            .Select(o => o.Record).ToList();
        Assert.Equal(["1310 party_not_found", "0"], records.Select(r => r.Result));
        var accepted = records[1];
        Assert.Equal(enterprise.Id, accepted.EnterpriseId);
        Assert.Equal(enterprise.ClientId, accepted.ClientId);
        Assert.Equal("127.0.0.1", accepted.Source);
        Assert.InRange(accepted.At, before.AddMilliseconds(-1), DateTimeOffset.UtcNow);
        Assert.Equal("2", Parameters(accepted).GetProperty("Action").GetString());
        Assert.Equal(path, Parameters(accepted).GetProperty("DstPath").GetString());
        Assert.Equal(path + "/无", Parameters(records[0]).GetProperty("DstPath").GetString());
    }

    [Fact]
    public async Task MemberWritesAreRecordedWithThePasswordRedacted()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var alias = enterprise.Address(Unique("bob"));

        (await enterprise.PostAsync("/openapi/user/sync", ("Action", "2"), ("Alias", alias), ("Name", "鲍勃"), ("Password", "Plain-Pa55word"), ("Md5", "0"))).AssertEmptySuccess();
        (await enterprise.PostAsync("/openapi/user/openwxtoken", ("alias", alias))).AssertEmptySuccess();
        (await enterprise.PostAsync("/openapi/user/sync", ("Action", "2"), ("Alias", alias), ("Name", "again"), ("Password", "Other-Pa55word"))).AssertError("1302", "user_exists");

        var records = (await _app.Get<OperationHistory>().ListAsync(enterprise.ClientId, new OperationQuery(Alias: alias), TestContext.Current.CancellationToken)).Value!
            .Select(o => o.Record).ToList();
        Assert.Equal(["user/sync", "user/openwxtoken", "user/sync"], records.Select(r => r.Endpoint).Reverse());
        Assert.Equal(["0", "0", "1302 user_exists"], records.Select(r => r.Result).Reverse());
        var added = Parameters(records[2]);
        Assert.Equal("***", added.GetProperty("Password").GetString());
        Assert.Equal("鲍勃", added.GetProperty("Name").GetString());
        Assert.Equal(alias, added.GetProperty("Alias").GetString());
        Assert.All(records, r => Assert.DoesNotContain("Pa55word", Flatten(r), StringComparison.Ordinal));
    }

    [Fact]
    public async Task ACallWithAnInvalidTokenIsRecordedWithoutTheToken()
    {
        var alias = Unique("ghost@nowhere.example");
        var before = DateTimeOffset.UtcNow;
        var request = new HttpRequestMessage(HttpMethod.Post, "/openapi/user/get?access_token=forged-token-value")
        {
            Content = new FormUrlEncodedContent([KeyValuePair.Create("alias", alias)]),
        };

        (await ApiResponse.SendAsync(_app.Client, request)).AssertError("1200", "invalid_token");

        var record = await SingleAsync(new OperationQuery(Alias: alias));
        Assert.Null(record.EnterpriseId);
        Assert.Equal("", record.ClientId);
        Assert.Equal("127.0.0.1", record.Source);
        Assert.Equal("user/get", record.Endpoint);
        Assert.Equal("1200 invalid_token", record.Result);
        Assert.InRange(record.At, before.AddMilliseconds(-1), DateTimeOffset.UtcNow);
        var parameters = Parameters(record);
        Assert.Equal(alias, parameters.GetProperty("alias").GetString());
        Assert.Equal("***", parameters.GetProperty("access_token").GetString());
        Assert.DoesNotContain("forged-token-value", Flatten(record), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownMemberIsRecordedAsTheEnterprisesRefusal()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var alias = enterprise.Address(Unique("nobody"));

        (await enterprise.PostAsync("/openapi/user/get", ("alias", alias), ("Password", "Secret-Pa55"), ("passwd", "Other-Pa55"), ("Name", "Bob"))).AssertError("1301", "user_not_found");

        var record = await SingleAsync(new OperationQuery(EnterpriseId: enterprise.Id, Alias: alias));
        Assert.Equal(enterprise.Id, record.EnterpriseId);
        Assert.Equal(enterprise.ClientId, record.ClientId);
        Assert.Equal("1301 user_not_found", record.Result);
        var parameters = Parameters(record);
        Assert.Equal("***", parameters.GetProperty("Password").GetString());
        Assert.Equal("***", parameters.GetProperty("passwd").GetString());
        Assert.Equal("Bob", parameters.GetProperty("Name").GetString());
        Assert.DoesNotContain("Pa55", Flatten(record), StringComparison.Ordinal);
        Assert.DoesNotContain(enterprise.Token, Flatten(record), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABlockedAddressIsRecorded()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        Assert.False((await _app.Get<EnterpriseService>().SetAccessAsync(enterprise.ClientId, "10.0.0.0/8", null, TestContext.Current.CancellationToken)).IsError);
        var alias = enterprise.Address(Unique("blocked"));

        (await enterprise.PostAsync("/openapi/user/get", ("alias", alias))).AssertError("1202", "ip_freq_block");

        var record = await SingleAsync(new OperationQuery(EnterpriseId: enterprise.Id, Alias: alias));
        Assert.Equal(enterprise.ClientId, record.ClientId);
        Assert.Equal("127.0.0.1", record.Source);
        Assert.Equal("1202 ip_freq_block", record.Result);
    }

    [Fact]
    public async Task AWrongSecretIsRecordedWithoutTheSecretUnderTheClaimedClient()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        const string WrongSecret = "feedfacefeedfacefeedfacefeedface";
        const string WrongBasicSecret = "deadbeefdeadbeefdeadbeefdeadbeef";

        Assert.Equal(HttpStatusCode.Unauthorized, (await Calls.TokenAsync(_app.Client, enterprise.ClientId, WrongSecret)).Status);
        var basic = new HttpRequestMessage(HttpMethod.Post, "/cgi-bin/token")
        {
            Content = new FormUrlEncodedContent([KeyValuePair.Create("grant_type", "client_credentials")]),
        };
        basic.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{enterprise.ClientId}:{WrongBasicSecret}")));
        Assert.Equal(HttpStatusCode.Unauthorized, (await ApiResponse.SendAsync(_app.Client, basic)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Calls.TokenAsync(_app.Client, enterprise.ClientId, enterprise.Secret + "0")).Status);

        var listed = await _app.Get<OperationHistory>().ListAsync(enterprise.ClientId, new OperationQuery(Endpoint: "token"), TestContext.Current.CancellationToken);
        var records = listed.Value!.Select(o => o.Record).ToList();
        Assert.Equal(3, records.Count);
        Assert.All(records, r =>
        {
            Assert.Equal("1100 invalid_client", r.Result);
            Assert.Equal(enterprise.ClientId, r.ClientId);
            Assert.Null(r.EnterpriseId);
            Assert.DoesNotContain(WrongSecret, Flatten(r), StringComparison.Ordinal);
            Assert.DoesNotContain(WrongBasicSecret, Flatten(r), StringComparison.Ordinal);
            Assert.DoesNotContain(enterprise.Secret, Flatten(r), StringComparison.Ordinal);
        });
        Assert.Equal("***", Parameters(records[0]).GetProperty("client_secret").GetString());
        Assert.Equal("client_credentials", Parameters(records[1]).GetProperty("grant_type").GetString());
    }

    [Fact]
    public async Task IssuedTokensAreNotLogged()
    {
        var enterprise = await _app.CreateEnterpriseAsync();

        var listed = await _app.Get<OperationHistory>().ListAsync(enterprise.ClientId, new OperationQuery(), TestContext.Current.CancellationToken);

        Assert.Empty(listed.Value!);
    }

    [Fact]
    public async Task RefusalsAreFilteredByResultAndEndpoint()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var alias = enterprise.Address(Unique("filtered"));
        await enterprise.PostAsync("/openapi/user/get", ("alias", alias));
        await enterprise.PostAsync("/openapi/user/get", ("alias", alias.Replace(enterprise.Domain, "other.example", StringComparison.Ordinal)));

        var history = _app.Get<OperationHistory>();
        var failed = await history.ListAsync(enterprise.ClientId, new OperationQuery(Failed: true), TestContext.Current.CancellationToken);
        var succeeded = await history.ListAsync(enterprise.ClientId, new OperationQuery(Failed: false), TestContext.Current.CancellationToken);
        var otherEndpoint = await history.ListAsync(enterprise.ClientId, new OperationQuery(Endpoint: "user/sync"), TestContext.Current.CancellationToken);

        Assert.Equal(["1303 invalid_alias", "1301 user_not_found"], failed.Value!.Select(o => o.Record.Result));
        Assert.Empty(succeeded.Value!);
        Assert.Empty(otherEndpoint.Value!);
    }

    [Fact]
    public async Task AFloodOfParametersMakesABoundedLogLine()
    {
        using var app = new MailroomApp(settings: new Dictionary<string, string?> { ["Mailroom:Limits:MaxParameters"] = "50000" });
        var enterprise = await app.CreateEnterpriseAsync();
        var alias = enterprise.Address(Unique("flood"));
        var body = new StringBuilder();
        for (var i = 0; i < 20_000; i++)
        {
            body.Append('p').Append(i).Append("=v&");
        }

        body.Append("long=").Append('x', 100_000);
        var request = new HttpRequestMessage(HttpMethod.Post, $"/openapi/user/get?alias={Uri.EscapeDataString(alias)}")
        {
            Content = new StringContent(body.ToString(), Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", enterprise.Token);

        (await enterprise.SendAsync(request)).AssertError("1301", "user_not_found");

        var listed = await app.Get<OperationHistory>().ListAsync(enterprise.ClientId, new OperationQuery(Alias: alias), TestContext.Current.CancellationToken);
        var record = Assert.Single(listed.Value!).Record;
        Assert.InRange(Encoding.UTF8.GetByteCount(record.Parameters), 1, OperationParameters.MaxBytes + 1024);
        var parameters = Parameters(record);
        Assert.Equal(alias, parameters.GetProperty("alias").GetString());
        Assert.True(parameters.EnumerateObject().Count() <= OperationParameters.MaxNames + 1);
        Assert.True(parameters.GetProperty(OperationParameters.Omitted).GetInt64() >= 20_000 - OperationParameters.MaxNames);
    }

    [Fact]
    public async Task TooManyParametersAreRefusedAndLoggedWithoutThem()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var body = string.Concat(Enumerable.Repeat("p=v&", 20_000));
        var request = new HttpRequestMessage(HttpMethod.Post, "/openapi/user/get")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", enterprise.Token);

        var before = DateTimeOffset.UtcNow.AddMilliseconds(-1);
        var response = await enterprise.SendAsync(request);

        response.AssertError("1001", "invalid_request");
        var record = await SingleAsync(new OperationQuery(Since: before, Endpoint: "user/get", Failed: true));
        Assert.Equal("1001 invalid_request", record.Result);
        Assert.Equal("{}", record.Parameters);
    }

    private async Task<OperationRecord> SingleAsync(OperationQuery query)
    {
        var operations = await _app.Get<IDatabase>().ReadAsync(session => OperationStore.ListAsync(session, query), TestContext.Current.CancellationToken);
        return Assert.Single(operations).Record;
    }

    private static JsonElement Parameters(OperationRecord record) => JsonDocument.Parse(record.Parameters).RootElement;

    private static string Flatten(OperationRecord record) =>
        string.Join('\n', record.ClientId, record.Source, record.Endpoint, record.Parameters, record.Result);

    private static string Unique(string text)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var at = text.IndexOf('@', StringComparison.Ordinal);
        return at < 0 ? $"{text}-{tag}" : $"{text[..at]}-{tag}{text[at..]}";
    }
}
