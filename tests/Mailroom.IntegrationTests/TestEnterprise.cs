using System.Net.Http.Headers;
using System.Text.Json;

namespace Mailroom.IntegrationTests;

/// <summary>An enterprise created for one test, with its credentials and a current token.</summary>
public sealed class TestEnterprise(MailroomApp app, long id, string domain, string clientId, string secret, string adminPassword = "")
{
    public MailroomApp App { get; } = app;

    public long Id { get; } = id;

    public string Domain { get; } = domain;

    public string ClientId { get; } = clientId;

    public string Secret { get; } = secret;

    /// <summary>The administrator's console password (/admin).</summary>
    public string AdminPassword { get; } = adminPassword;

    public string Token { get; private set; } = "";

    /// <summary>An address in this enterprise's domain.</summary>
    public string Address(string local) => $"{local}@{Domain}";

    public async Task RefreshTokenAsync()
    {
        var response = await App.Client.GetAsync(
            $"/cgi-bin/token?grant_type=client_credentials&client_id={Uri.EscapeDataString(ClientId)}&client_secret={Secret}",
            TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, body);
        Token = JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>POSTs a urlencoded form with the token as a Bearer header.</summary>
    public Task<ApiResponse> PostAsync(string path, params (string Name, string Value)[] parameters)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(parameters.Select(p => KeyValuePair.Create(p.Name, p.Value))),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return ApiResponse.SendAsync(App.Client, request);
    }

    /// <summary>Sends a request built by the test, adding nothing.</summary>
    public Task<ApiResponse> SendAsync(HttpRequestMessage request) => ApiResponse.SendAsync(App.Client, request);
}
