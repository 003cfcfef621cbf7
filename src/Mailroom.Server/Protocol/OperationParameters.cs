using System.Text.Encodings.Web;
using System.Text.Json;

namespace Mailroom.Server.Protocol;

/// <summary>Turns a call's parameters into the operation log's JSON, with every secret redacted.</summary>
internal static class OperationParameters
{
    public const string Redacted = "***";

    /// <summary>The key under which the number of values left out is written, when any are.</summary>
    public const string Omitted = "(omitted)";

    /// <summary>Parameter names written; the rest are counted as omitted.</summary>
    public const int MaxNames = 100;

    /// <summary>Values written per repeated parameter.</summary>
    public const int MaxValuesPerName = 100;

    /// <summary>Characters kept of a value (and of a name).</summary>
    public const int MaxValueLength = 256;

    /// <summary>
    /// Once the JSON reaches this size no further value is written, so a log line stays a few
    /// kilobytes whatever the caller sends (a value may overshoot it by one value's length).
    /// </summary>
    public const int MaxBytes = 8 * 1024;

    // Credentials never reach the log, not even hashed (STYLE.md Errors). Matched as parts of the
    // name, so that unknown spellings a client invents (passwd, new_password, secret_key) are caught too.
    private static readonly string[] SecretNameParts = ["pass", "pwd", "secret", "token", "key", "ticket", "auth"];

    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static bool IsSecret(string name) =>
        SecretNameParts.Any(part => name.Contains(part, StringComparison.OrdinalIgnoreCase));

    public static string Redact(RequestParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var omitted = 0L;
            writer.WriteStartObject();
            foreach (var (name, values) in parameters.Enumerate())
            {
                var shortName = Shorten(name);
                if (names.Count >= MaxNames || Full(writer) || !names.Add(shortName))
                {
                    omitted += values.Count;
                    continue;
                }

                var secret = IsSecret(name);
                if (values.Count == 1)
                {
                    writer.WriteString(shortName, secret ? Redacted : Shorten(values[0]));
                    continue;
                }

                writer.WriteStartArray(shortName);
                var written = 0;
                foreach (var value in values)
                {
                    if (written == MaxValuesPerName || Full(writer))
                    {
                        break;
                    }

                    writer.WriteStringValue(secret ? Redacted : Shorten(value));
                    written++;
                }

                writer.WriteEndArray();
                omitted += values.Count - written;
            }

            if (omitted > 0)
            {
                writer.WriteNumber(Omitted, omitted);
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static bool Full(Utf8JsonWriter writer) => writer.BytesCommitted + writer.BytesPending >= MaxBytes;

    // A hostile caller must not be able to grow the log by kilobytes per value.
    private static string Shorten(string value) =>
        value.Length <= MaxValueLength ? value : string.Concat(value.AsSpan(0, MaxValueLength), "…");
}
