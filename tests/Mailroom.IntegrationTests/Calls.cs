using System.Net;
using System.Net.Http.Headers;

namespace Mailroom.IntegrationTests;

/// <summary>Protocol calls for tests that hold credentials outside a <see cref="TestEnterprise"/>.</summary>
public static class Calls
{
    public static Task<ApiResponse> TokenAsync(HttpClient client, string clientId, string secret) =>
        ApiResponse.SendAsync(client, new HttpRequestMessage(
            HttpMethod.Get,
            $"/cgi-bin/token?grant_type=client_credentials&client_id={Uri.EscapeDataString(clientId)}&client_secret={Uri.EscapeDataString(secret)}"));

    public static async Task<string> IssueTokenAsync(HttpClient client, string clientId, string secret)
    {
        var response = await TokenAsync(client, clientId, secret);
        Assert.True(response.Status == HttpStatusCode.OK, $"token: {(int)response.Status} {response.Body}");
        return response.Json.GetProperty("access_token").GetString()!;
    }

    /// <summary>user/get with the token as a Bearer header.</summary>
    public static Task<ApiResponse> UserGetAsync(HttpClient client, string token, string alias) =>
        PostAsync(client, token, "/openapi/user/get", ("alias", alias));

    /// <summary>A form POST with the token as a Bearer header.</summary>
    public static Task<ApiResponse> PostAsync(HttpClient client, string token, string path, params (string Name, string Value)[] form)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(form.Select(f => KeyValuePair.Create(f.Name, f.Value))),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return ApiResponse.SendAsync(client, request);
    }

    /// <summary>
    /// True when <paramref name="token"/> is accepted: user/get of an unknown member answers
    /// user_not_found (1301), which only an authenticated call can get.
    /// </summary>
    public static async Task<bool> TokenWorksAsync(HttpClient client, string token, string domain)
    {
        var response = await UserGetAsync(client, token, $"nobody@{domain}");
        return response.ErrCode == "1301";
    }
}
