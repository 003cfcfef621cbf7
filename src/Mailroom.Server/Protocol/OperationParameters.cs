using System.Text.Encodings.Web;
using System.Text.Json;

namespace Mailroom.Server.Protocol;

/// <summary>Turns a call's parameters into the operation log's JSON, with every secret redacted.</summary>
internal static class OperationParameters
{
    public const string Redacted = "***";

    // Credentials never reach the log, not even hashed (STYLE.md Errors).
    private static readonly HashSet<string> Secrets = new(StringComparer.OrdinalIgnoreCase)
    {
        "Password", "client_secret", "access_token", "ticket", "auth_key", "authkey", "secret",
    };

    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Redact(RequestParameters parameters)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            foreach (var (name, values) in parameters.Enumerate())
            {
                var secret = Secrets.Contains(name);
                if (values.Count == 1)
                {
                    writer.WriteString(name, secret ? Redacted : Shorten(values[0]));
                    continue;
                }

                writer.WriteStartArray(name);
                foreach (var value in values.Take(100))
                {
                    writer.WriteStringValue(secret ? Redacted : Shorten(value));
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    // A hostile caller must not be able to grow the log by kilobytes per call.
    private static string Shorten(string value) => value.Length <= 256 ? value : string.Concat(value.AsSpan(0, 256), "…");
}
