using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Mailroom.Contracts;
using static Mailroom.Bench.Text;

namespace Mailroom.Bench;

/// <summary>The open-protocol calls the benchmark makes, as pre-encoded requests, and their expected answers.</summary>
internal static class MailroomApi
{
    public const string Domain = "gzdev.com";
    public const string ClientId = "admin";

    private static readonly string[] Positions = ["工程师", "Engineer", "产品经理", "Designer", "测试"];

    /// <summary>§3: a successful write answers 200 with an empty body.</summary>
    public static ResponseCheck EmptyBody { get; } = static (response, _) => response.ContentLength == 0;

    /// <summary>A profile, not an error body.</summary>
    public static ResponseCheck Profile { get; } = static (_, head) => head.StartsWith("{\"Alias\":"u8);

    /// <summary>user/get of an address no member has: 1301 user_not_found.</summary>
    public static ResponseCheck UserNotFound { get; } = static (_, head) => head.StartsWith("{\"errcode\":\"1301\""u8);

    public static ResponseCheck Token { get; } = static (_, head) => head.StartsWith("{\"access_token\":"u8);

    public static ResponseCheck AnyJson { get; } = static (_, head) => head.StartsWith("{"u8);

    public static string Address(string prefix, int i) => string.Create(CultureInfo.InvariantCulture, $"{prefix}{i:D6}@{Domain}");

    public static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static byte[] TokenRequest(string secret) =>
        HttpRequests.PostForm("/cgi-bin/token", null, ("grant_type", "client_credentials"), ("client_id", ClientId), ("client_secret", secret));

    public static byte[] UserGet(string token, string alias) =>
        HttpRequests.PostForm("/openapi/user/get", token, ("alias", alias));

    /// <summary>ADD as a directory sync tool sends it: address, name, a password of its own, a department, gender.</summary>
    public static byte[] UserAdd(string token, string alias, int i, string? department) =>
        department is null
            ? HttpRequests.PostForm("/openapi/user/sync", token, ("Action", "2"), ("Alias", alias), ("Name", Name(i)), ("Password", Password()), ("Gender", Gender(i)))
            : HttpRequests.PostForm("/openapi/user/sync", token, ("Action", "2"), ("Alias", alias), ("Name", Name(i)), ("Password", Password()), ("PartyPath", department), ("Gender", Gender(i)));

    /// <summary>MOD of the name and the position.</summary>
    public static byte[] UserMod(string token, string alias, int i) =>
        HttpRequests.PostForm("/openapi/user/sync", token, ("Action", "3"), ("Alias", alias), ("Name", Name(i) + "·新"), ("Position", Positions[i % Positions.Length]));

    public static byte[] UserList(string token, long ver) =>
        HttpRequests.PostForm("/openapi/user/list", token, ("Ver", ver.ToString(CultureInfo.InvariantCulture)));

    public static byte[] PartyAdd(string token, string path) =>
        HttpRequests.PostForm("/openapi/party/sync", token, ("Action", "2"), ("DstPath", path));

    /// <summary>Fetches a token; the server may still be starting, so refusals are retried for a while.</summary>
    public static async Task<string> WaitForTokenAsync(IPEndPoint endPoint, string secret, CancellationToken cancellationToken)
    {
        var request = TokenRequest(secret);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string last = "";
        while (true)
        {
            try
            {
                using var connection = await HttpConnection.OpenAsync(endPoint, cancellationToken);
                var response = await connection.SendAsync(request, cancellationToken);
                if (response.Status == 200 && connection.Head.Length == response.ContentLength)
                {
                    var token = JsonSerializer.Deserialize(connection.Head, ContractsJsonContext.Default.TokenResponse);
                    if (token is not null)
                    {
                        return token.AccessToken;
                    }
                }

                last = $"HTTP {response.Status}: {System.Text.Encoding.UTF8.GetString(connection.Head)}";
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidDataException or JsonException)
            {
                last = e.Message;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException(T($"No token from the server: {last}", $"服务器未发放令牌：{last}"));
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>One call on a fresh connection, for probes and set-up: status and the body's first bytes.</summary>
    public static async Task<(HttpResponse Response, string Head)> CallOnceAsync(IPEndPoint endPoint, byte[] request, CancellationToken cancellationToken)
    {
        using var connection = await HttpConnection.OpenAsync(endPoint, cancellationToken);
        var response = await connection.SendAsync(request, cancellationToken);
        return (response, System.Text.Encoding.UTF8.GetString(connection.Head));
    }

    /// <summary>Reads "Ver" and "Count" from the start of a user/list body; the list itself may be cut off.</summary>
    public static (long Ver, long Count)? ReadListHeader(ReadOnlySpan<byte> head)
    {
        var reader = new Utf8JsonReader(head, isFinalBlock: false, state: default);
        long? ver = null;
        long? count = null;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while ((ver is null || count is null) && reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                if (!reader.Read())
                {
                    return null;
                }

                if (name == "Ver" && reader.TokenType == JsonTokenType.Number)
                {
                    ver = reader.GetInt64();
                }
                else if (name == "Count" && reader.TokenType == JsonTokenType.Number)
                {
                    count = reader.GetInt64();
                }
                else if (!reader.TrySkip())
                {
                    return null;
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }

        return ver is { } v && count is { } c ? (v, c) : null;
    }

    private static string Name(int i) => string.Create(CultureInfo.InvariantCulture, $"成员 Member {i}");

    private static string Gender(int i) => i % 2 == 0 ? "1" : "2";

    // Random per member, with upper, lower case and digits so any reasonable policy accepts it.
    private static string Password() => "Pw" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)) + "X9";
}
