using System.Text;

namespace Mailroom.Bench;

/// <summary>Encodes requests once, before any clock runs.</summary>
internal static class HttpRequests
{
    /// <summary>A POST with a urlencoded form body, as most published clients send it.</summary>
    public static byte[] PostForm(string path, string? bearerToken, params ReadOnlySpan<(string Name, string Value)> fields)
    {
        var body = new StringBuilder();
        foreach (var (name, value) in fields)
        {
            if (body.Length > 0)
            {
                body.Append('&');
            }

            body.Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }

        var bodyBytes = Encoding.UTF8.GetBytes(body.ToString());
        var head = new StringBuilder()
            .Append("POST ").Append(path).Append(" HTTP/1.1\r\n")
            .Append("Host: 127.0.0.1\r\n");
        if (bearerToken is not null)
        {
            head.Append("Authorization: Bearer ").Append(bearerToken).Append("\r\n");
        }

        head.Append("Content-Type: application/x-www-form-urlencoded\r\n")
            .Append("Content-Length: ").Append(bodyBytes.Length).Append("\r\n\r\n");
        return [.. Encoding.ASCII.GetBytes(head.ToString()), .. bodyBytes];
    }
}
