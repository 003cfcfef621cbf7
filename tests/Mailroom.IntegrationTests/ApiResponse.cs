using System.Net;
using System.Text.Json;

namespace Mailroom.IntegrationTests;

/// <summary>A protocol answer: status, raw body and, when there is one, the parsed JSON.</summary>
public sealed record ApiResponse(HttpStatusCode Status, string Body, HttpResponseMessage Message)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public bool IsEmptySuccess => Status == HttpStatusCode.OK && Body.Length == 0 && Message.Content.Headers.ContentLength == 0;

    /// <summary>The errcode, or null when the body is not an error.</summary>
    public string? ErrCode =>
        Body.StartsWith('{') && Json.TryGetProperty("errcode", out var code) ? code.GetString() : null;

    public static async Task<ApiResponse> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return new ApiResponse(response.StatusCode, body, response);
    }

    /// <summary>Asserts a protocol error with the given code: HTTP 200 and the three string keys.</summary>
    public void AssertError(string errcode, string error)
    {
        Assert.Equal(HttpStatusCode.OK, Status);
        Assert.Equal(JsonValueKind.String, Json.GetProperty("errcode").ValueKind);
        Assert.Equal(errcode, Json.GetProperty("errcode").GetString());
        Assert.Equal(error, Json.GetProperty("error").GetString());
        Assert.False(string.IsNullOrEmpty(Json.GetProperty("errmsg").GetString()));
    }

    public void AssertEmptySuccess() => Assert.True(IsEmptySuccess, $"expected an empty 200 body, got {(int)Status}: {Body}");
}
