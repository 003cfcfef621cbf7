using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Mailroom.Server.Admin;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Mailroom.IntegrationTests;

/// <summary><c>/cgi-bin/token</c> (PROTOCOL.md §4) and how /openapi accepts the token (§2.2, §9).</summary>
public sealed class TokenTests : IClassFixture<ServerFixture>
{
    private static readonly string[] TokenKeys = ["access_token", "token_type", "expires_in", "refresh_token"];
    private static readonly string[] ErrorKeys = ["errcode", "error", "errmsg"];

    private readonly MailroomApp _app;

    public TokenTests(ServerFixture fixture) => _app = fixture.App;

    public static TheoryData<string> RequestForms =>
    [
        "get-query", "post-form", "post-query-empty-body", "post-query-no-body", "form-labelled-json", "form-without-content-type",
        "multipart", "json", "json-labelled-text", "basic-grant-in-body", "basic-grant-in-query", "query-and-body-split",
        "name-casing", "stray-spaces-in-names", "spaces-around-values", "get-with-ignored-extras",
    ];

    [Theory]
    [MemberData(nameof(RequestForms))]
    public async Task EveryRequestFormIssuesAWorkingToken(string form)
    {
        var enterprise = await _app.CreateEnterpriseAsync();

        var response = await enterprise.SendAsync(TokenRequest(form, enterprise.ClientId, enterprise.Secret));

        Assert.True(response.Status == HttpStatusCode.OK, $"{form}: {(int)response.Status} {response.Body}");
        var token = AssertTokenResponse(response, 86400);
        Assert.True(await Calls.TokenWorksAsync(_app.Client, token, enterprise.Domain), form);
    }

    [Fact]
    public async Task TheAnswerHasExactlyFourKeysAndIsNotCached()
    {
        var enterprise = await _app.CreateEnterpriseAsync();

        var response = await Calls.TokenAsync(_app.Client, enterprise.ClientId, enterprise.Secret);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("application/json; charset=utf-8", response.Message.Content.Headers.ContentType!.ToString());
        Assert.True(response.Message.Headers.CacheControl!.NoStore);
        Assert.Equal(Encoding.UTF8.GetByteCount(response.Body), response.Message.Content.Headers.ContentLength);
        Assert.Matches("""^\{"access_token":"[A-Za-z0-9_-]+","token_type":"Bearer","expires_in":86400,"refresh_token":""\}$""", response.Body);
    }

    [Fact]
    public async Task TokensAreUrlSafeUnguessableAndDistinct()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var tokens = new HashSet<string>(StringComparer.Ordinal);

        for (var i = 0; i < 20; i++)
        {
            var token = await Calls.IssueTokenAsync(_app.Client, enterprise.ClientId, enterprise.Secret);
            Assert.Matches("^[A-Za-z0-9_-]+$", token);
            Assert.True(token.Length * 6 >= 128, "at least 128 bits");
            Assert.True(tokens.Add(token), "every token is new");
        }

        // Changing any one character makes the token invalid (it is signed, not a guessable counter).
        var original = tokens.First();
        var middle = original.Length / 2;
        var tampered = string.Concat(original.AsSpan(0, middle), original[middle] == 'A' ? "B" : "A", original.AsSpan(middle + 1));
        Assert.Equal("1200", (await Calls.UserGetAsync(_app.Client, tampered, enterprise.Address("nobody"))).ErrCode);
    }

    [Fact]
    public async Task MissingGrantTypeIsInvalidRequest()
    {
        var enterprise = await _app.CreateEnterpriseAsync();

        var response = await _app.Client.GetAsync($"/cgi-bin/token?client_id={enterprise.ClientId}&client_secret={enterprise.Secret}", TestContext.Current.CancellationToken);

        var error = await AssertTokenErrorAsync(response, HttpStatusCode.BadRequest, "1001", "invalid_request");
        Assert.Contains("grant_type", error.GetProperty("errmsg").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("password")]
    [InlineData("authorization_code")]
    public async Task OtherGrantTypesAreUnsupported(string grantType)
    {
        var enterprise = await _app.CreateEnterpriseAsync();

        var response = await _app.Client.GetAsync($"/cgi-bin/token?grant_type={grantType}&client_id={enterprise.ClientId}&client_secret={enterprise.Secret}", TestContext.Current.CancellationToken);

        await AssertTokenErrorAsync(response, HttpStatusCode.BadRequest, "1101", "unsupported_grant_type");
    }

    [Fact]
    public async Task UnknownClientOrWrongSecretIsInvalidClient()
    {
        var enterprise = await _app.CreateEnterpriseAsync();

        await AssertTokenErrorAsync(await GetTokenAsync("nobody-" + Guid.NewGuid().ToString("N"), enterprise.Secret), HttpStatusCode.Unauthorized, "1100", "invalid_client");
        await AssertTokenErrorAsync(await GetTokenAsync(enterprise.ClientId, "0123456789abcdef0123456789abcdef"), HttpStatusCode.Unauthorized, "1100", "invalid_client");
        await AssertTokenErrorAsync(await GetTokenAsync(enterprise.ClientId, ""), HttpStatusCode.Unauthorized, "1100", "invalid_client");
        await AssertTokenErrorAsync(await GetTokenAsync(enterprise.ClientId, enterprise.Secret.ToUpperInvariant()), HttpStatusCode.Unauthorized, "1100", "invalid_client");

        var basic = new HttpRequestMessage(HttpMethod.Post, "/cgi-bin/token") { Content = Form(("grant_type", "client_credentials")) };
        basic.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{enterprise.ClientId}:wrong")));
        await AssertTokenErrorAsync(await _app.Client.SendAsync(basic, TestContext.Current.CancellationToken), HttpStatusCode.Unauthorized, "1100", "invalid_client");
    }

    [Fact]
    public async Task ErrorTextsAreChineseWhenAskedFor()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/cgi-bin/token?grant_type=client_credentials&client_id=nobody&client_secret=x");
        request.Headers.AcceptLanguage.ParseAdd("zh-CN");

        var response = await _app.Client.SendAsync(request, TestContext.Current.CancellationToken);

        var error = await AssertTokenErrorAsync(response, HttpStatusCode.Unauthorized, "1100", "invalid_client");
        Assert.Equal("client_id 不存在或 client_secret 错误。", error.GetProperty("errmsg").GetString());
        Assert.DoesNotContain("不存在", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisabledApiIsRefusedWith403()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        Assert.False((await _app.Get<EnterpriseService>().SetApiEnabledAsync(enterprise.ClientId, false, TestContext.Current.CancellationToken)).IsError);

        await AssertTokenErrorAsync(await GetTokenAsync(enterprise.ClientId, enterprise.Secret), HttpStatusCode.Forbidden, "1201", "api_disabled");
    }

    [Fact]
    public async Task AddressOutsideTheAllowedListIsRefusedWith429()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        await SetAccessAsync(enterprise, "10.0.0.0/8", null);

        await AssertTokenErrorAsync(await GetTokenAsync(enterprise.ClientId, enterprise.Secret), HttpStatusCode.TooManyRequests, "1202", "ip_freq_block");
    }

    [Fact]
    public async Task RateExceededIsRefusedWith429AndRetryAfter()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        await SetAccessAsync(enterprise, null, 3);

        HttpResponseMessage? refused = null;
        for (var i = 0; i < 40 && refused is null; i++)
        {
            var response = await GetTokenAsync(enterprise.ClientId, enterprise.Secret);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                refused = response;
            }
        }

        Assert.NotNull(refused);
        await AssertTokenErrorAsync(refused, HttpStatusCode.TooManyRequests, "1202", "ip_freq_block");
        Assert.True(refused.Headers.RetryAfter!.Delta >= TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task ManyTokensOfOneClientAreAllValid()
    {
        var enterprise = await _app.CreateEnterpriseAsync();

        var tokens = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            tokens.Add(await Calls.IssueTokenAsync(_app.Client, enterprise.ClientId, enterprise.Secret));
        }

        foreach (var token in tokens.Append(enterprise.Token))
        {
            Assert.True(await Calls.TokenWorksAsync(_app.Client, token, enterprise.Domain));
        }
    }

    [Fact]
    public async Task RotatingTheKeyVoidsEveryEarlierTokenAtOnce()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var tokens = await IssueAsync(enterprise, 5);

        var rotated = await _app.Get<EnterpriseService>().RotateKeyAsync(enterprise.ClientId, TestContext.Current.CancellationToken);

        Assert.False(rotated.IsError);
        foreach (var token in tokens)
        {
            (await Calls.UserGetAsync(_app.Client, token, enterprise.Address("nobody"))).AssertError("1200", "invalid_token");
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await GetTokenAsync(enterprise.ClientId, enterprise.Secret)).StatusCode);
        var fresh = await Calls.IssueTokenAsync(_app.Client, enterprise.ClientId, rotated.Value!);
        Assert.True(await Calls.TokenWorksAsync(_app.Client, fresh, enterprise.Domain));
    }

    [Fact]
    public async Task DisablingTheApiVoidsTokensAndEnablingDoesNotReviveThem()
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var tokens = await IssueAsync(enterprise, 5);
        var service = _app.Get<EnterpriseService>();

        Assert.False((await service.SetApiEnabledAsync(enterprise.ClientId, false, TestContext.Current.CancellationToken)).IsError);
        foreach (var token in tokens)
        {
            (await Calls.UserGetAsync(_app.Client, token, enterprise.Address("nobody"))).AssertError("1201", "api_disabled");
        }

        Assert.False((await service.SetApiEnabledAsync(enterprise.ClientId, true, TestContext.Current.CancellationToken)).IsError);
        foreach (var token in tokens)
        {
            (await Calls.UserGetAsync(_app.Client, token, enterprise.Address("nobody"))).AssertError("1200", "invalid_token");
        }

        var fresh = await Calls.IssueTokenAsync(_app.Client, enterprise.ClientId, enterprise.Secret);
        Assert.True(await Calls.TokenWorksAsync(_app.Client, fresh, enterprise.Domain));
    }

    [Fact]
    public async Task TokensExpireAfterTheConfiguredLifetime()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var app = new MailroomApp(
            settings: new Dictionary<string, string?> { ["Mailroom:Auth:TokenLifetimeSeconds"] = "600" },
            configureServices: services => services.AddSingleton<TimeProvider>(time));
        var enterprise = await app.CreateEnterpriseAsync();

        var response = await Calls.TokenAsync(app.Client, enterprise.ClientId, enterprise.Secret);
        var token = AssertTokenResponse(response, 600);

        time.Advance(TimeSpan.FromSeconds(599));
        Assert.True(await Calls.TokenWorksAsync(app.Client, token, enterprise.Domain));
        var later = await Calls.IssueTokenAsync(app.Client, enterprise.ClientId, enterprise.Secret);

        time.Advance(TimeSpan.FromSeconds(1));
        (await Calls.UserGetAsync(app.Client, token, enterprise.Address("nobody"))).AssertError("1200", "invalid_token");
        Assert.True(await Calls.TokenWorksAsync(app.Client, later, enterprise.Domain), "a later token lives until its own expiry");

        time.Advance(TimeSpan.FromSeconds(599));
        (await Calls.UserGetAsync(app.Client, later, enterprise.Address("nobody"))).AssertError("1200", "invalid_token");
    }

    public static TheoryData<string> TokenPlacements =>
    [
        "bearer", "bearer-lower-case", "bearer-upper-case-many-spaces", "bearer-tab", "other-scheme-word",
        "query", "query-of-post", "form", "multipart", "json", "json-labelled-form",
        "wrong-header-valid-query", "wrong-header-valid-form", "valid-header-wrong-query", "access-token-name-casing",
    ];

    [Theory]
    [MemberData(nameof(TokenPlacements))]
    public async Task OpenApiAcceptsTheTokenWhereverClientsPutIt(string placement)
    {
        var enterprise = await _app.CreateEnterpriseAsync();

        var response = await enterprise.SendAsync(UserGetRequest(placement, enterprise.Token, enterprise.Address("nobody")));

        response.AssertError("1301", "user_not_found");
    }

    [Theory]
    [InlineData("none")]
    [InlineData("empty-bearer")]
    [InlineData("garbage")]
    [InlineData("basic-credentials")]
    public async Task MissingOrInvalidTokenIsInvalidTokenWithStatus200(string placement)
    {
        var enterprise = await _app.CreateEnterpriseAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, "/openapi/user/get") { Content = Form(("alias", enterprise.Address("nobody"))) };
        switch (placement)
        {
            case "empty-bearer":
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer ");
                break;
            case "garbage":
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer not-a-token");
                request.RequestUri = new Uri("/openapi/user/get?access_token=garbage%21", UriKind.Relative);
                break;
            case "basic-credentials":
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{enterprise.ClientId}:{enterprise.Secret}")));
                break;
        }

        var response = await enterprise.SendAsync(request);

        response.AssertError("1200", "invalid_token");
    }

    private static string AssertTokenResponse(ApiResponse response, long lifetime)
    {
        var json = response.Json;
        Assert.Equal(TokenKeys, json.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.String, json.GetProperty("access_token").ValueKind);
        Assert.Equal("Bearer", json.GetProperty("token_type").GetString());
        Assert.Equal(JsonValueKind.Number, json.GetProperty("expires_in").ValueKind);
        Assert.Equal(lifetime, json.GetProperty("expires_in").GetInt64());
        Assert.Equal("", json.GetProperty("refresh_token").GetString());
        Assert.True(response.Message.Headers.CacheControl?.NoStore, "Cache-Control: no-store");
        return json.GetProperty("access_token").GetString()!;
    }

    private static async Task<JsonElement> AssertTokenErrorAsync(HttpResponseMessage response, HttpStatusCode status, string errcode, string error)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal(ErrorKeys, json.EnumerateObject().Select(p => p.Name));
        Assert.Equal(errcode, json.GetProperty("errcode").GetString());
        Assert.Equal(error, json.GetProperty("error").GetString());
        Assert.False(string.IsNullOrEmpty(json.GetProperty("errmsg").GetString()));
        return json;
    }

    private Task<HttpResponseMessage> GetTokenAsync(string clientId, string secret) =>
        _app.Client.GetAsync(
            $"/cgi-bin/token?grant_type=client_credentials&client_id={Uri.EscapeDataString(clientId)}&client_secret={Uri.EscapeDataString(secret)}",
            TestContext.Current.CancellationToken);

    private async Task<List<string>> IssueAsync(TestEnterprise enterprise, int count)
    {
        var tokens = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var token = await Calls.IssueTokenAsync(_app.Client, enterprise.ClientId, enterprise.Secret);
            Assert.True(await Calls.TokenWorksAsync(_app.Client, token, enterprise.Domain));
            tokens.Add(token);
        }

        return tokens;
    }

    private async Task SetAccessAsync(TestEnterprise enterprise, string? allowed, int? rate) =>
        Assert.False((await _app.Get<EnterpriseService>().SetAccessAsync(enterprise.ClientId, allowed, rate, TestContext.Current.CancellationToken)).IsError);

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Name, f.Value)));

    private static HttpRequestMessage TokenRequest(string form, string clientId, string secret)
    {
        var id = Uri.EscapeDataString(clientId);
        var query = $"grant_type=client_credentials&client_id={id}&client_secret={secret}";
        var json = $$"""{"grant_type":"client_credentials","client_id":"{{clientId}}","client_secret":"{{secret}}"}""";
        var basic = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{clientId}:{secret}")));
        var credentials = new[] { ("grant_type", "client_credentials"), ("client_id", clientId), ("client_secret", secret) };
        switch (form)
        {
            case "get-query":
                return new HttpRequestMessage(HttpMethod.Get, $"/cgi-bin/token?{query}");
            case "post-form":
                return new HttpRequestMessage(HttpMethod.Post, "/cgi-bin/token") { Content = Form(credentials) };
            case "post-query-empty-body":
                return new HttpRequestMessage(HttpMethod.Post, $"/cgi-bin/token?{query}") { Content = new ByteArrayContent([]) };
            case "post-query-no-body":
                return new HttpRequestMessage(HttpMethod.Post, $"/cgi-bin/token?{query}");
            case "form-labelled-json":
                return new HttpRequestMessage(HttpMethod.Post, "/cgi-bin/token") { Content = new StringContent(query, Encoding.UTF8, "application/json") };
            case "form-without-content-type":
                return new HttpRequestMessage(HttpMethod.Post, "/cgi-bin/token") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(query)) };
            case "multipart":
                var multipart = new MultipartFormDataContent();
                foreach (var (name, value) in credentials)
                {
                    multipart.Add(new StringContent(value), name);
                }

                return new HttpRequestMessage(HttpMethod.Post, "/cgi-bin/token") { Content = multipart };
            case "json":
                return new HttpRequestMessage(HttpMethod.Post, "/cgi-bin/token") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
            case "json-labelled-text":
                return new HttpRequestMessage(HttpMethod.Post, "/cgi-bin/token") { Content = new StringContent(json, Encoding.UTF8, "text/plain") };
            case "basic-grant-in-body":
                var inBody = new HttpRequestMessage(HttpMethod.Post, "/cgi-bin/token") { Content = Form(("grant_type", "client_credentials")) };
                inBody.Headers.Authorization = basic;
                return inBody;
            case "basic-grant-in-query":
                var inQuery = new HttpRequestMessage(HttpMethod.Get, "/cgi-bin/token?grant_type=client_credentials");
                inQuery.Headers.Authorization = basic;
                return inQuery;
            case "query-and-body-split":
                return new HttpRequestMessage(HttpMethod.Post, $"/cgi-bin/token?grant_type=client_credentials&client_id={id}") { Content = Form(("client_secret", secret)) };
            case "name-casing":
                return new HttpRequestMessage(HttpMethod.Post, "/CGI-BIN/Token/") { Content = Form(("GRANT_TYPE", "client_credentials"), ("Client_ID", clientId), ("Client_Secret", secret)) };
            case "stray-spaces-in-names":
                return new HttpRequestMessage(HttpMethod.Post, "/cgi-bin/token") { Content = Form((" grant_type", "client_credentials"), ("client_id ", clientId), (" client_secret ", secret)) };
            case "spaces-around-values":
                return new HttpRequestMessage(HttpMethod.Get, $"/cgi-bin/token?grant_type=%20client_credentials%20&client_id=+{id}+&client_secret=%20{secret}");
            case "get-with-ignored-extras":
                return new HttpRequestMessage(HttpMethod.Get, $"/cgi-bin/token?{query}&scope=all&bare&refresh_token=");
            default:
                throw new ArgumentOutOfRangeException(nameof(form), form, null);
        }
    }

    private static HttpRequestMessage UserGetRequest(string placement, string token, string alias)
    {
        var post = new HttpRequestMessage(HttpMethod.Post, "/openapi/user/get") { Content = Form(("alias", alias)) };
        switch (placement)
        {
            case "bearer":
                post.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                return post;
            case "bearer-lower-case":
                post.Headers.TryAddWithoutValidation("Authorization", $"bearer {token}");
                return post;
            case "bearer-upper-case-many-spaces":
                post.Headers.TryAddWithoutValidation("Authorization", $"BEARER    {token}  ");
                return post;
            case "bearer-tab":
                post.Headers.TryAddWithoutValidation("Authorization", $"Bearer\t{token}");
                return post;
            case "other-scheme-word":
                post.Headers.TryAddWithoutValidation("Authorization", $"OAuth {token}");
                return post;
            case "query":
                return new HttpRequestMessage(HttpMethod.Get, $"/openapi/user/get?alias={Uri.EscapeDataString(alias)}&access_token={token}");
            case "query-of-post":
                return new HttpRequestMessage(HttpMethod.Post, $"/openapi/user/get?access_token={token}") { Content = Form(("alias", alias)) };
            case "form":
                return new HttpRequestMessage(HttpMethod.Post, "/openapi/user/get") { Content = Form(("alias", alias), ("access_token", token)) };
            case "multipart":
                return new HttpRequestMessage(HttpMethod.Post, "/openapi/user/get")
                {
                    Content = new MultipartFormDataContent { { new StringContent(alias), "alias" }, { new StringContent(token), "access_token" } },
                };
            case "json":
                return new HttpRequestMessage(HttpMethod.Post, "/openapi/user/get")
                {
                    Content = new StringContent($$"""{"alias":"{{alias}}","access_token":"{{token}}"}""", Encoding.UTF8, "application/json"),
                };
            case "json-labelled-form":
                return new HttpRequestMessage(HttpMethod.Post, "/openapi/user/get")
                {
                    Content = new StringContent($"alias={Uri.EscapeDataString(alias)}&access_token={token}", Encoding.UTF8, "application/json"),
                };
            case "wrong-header-valid-query":
                var query = new HttpRequestMessage(HttpMethod.Post, $"/openapi/user/get?access_token={token}") { Content = Form(("alias", alias)) };
                query.Headers.TryAddWithoutValidation("Authorization", "Bearer expired-or-wrong");
                return query;
            case "wrong-header-valid-form":
                var form = new HttpRequestMessage(HttpMethod.Post, "/openapi/user/get") { Content = Form(("alias", alias), ("access_token", token)) };
                form.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token[..^2]);
                return form;
            case "valid-header-wrong-query":
                var header = new HttpRequestMessage(HttpMethod.Post, "/openapi/user/get?access_token=stale") { Content = Form(("alias", alias)) };
                header.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                return header;
            case "access-token-name-casing":
                return new HttpRequestMessage(HttpMethod.Post, "/openapi/User/Get/") { Content = Form(("ALIAS", alias), (" Access_Token ", token)) };
            default:
                throw new ArgumentOutOfRangeException(nameof(placement), placement, null);
        }
    }
}
