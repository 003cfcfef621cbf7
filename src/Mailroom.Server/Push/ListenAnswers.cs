using System.Buffers.Text;

namespace Mailroom.Server.Push;

/// <summary>The JSON answers of /openapi/listen that are not events (PROTOCOL.md §5), encoded once.</summary>
internal static class ListenAnswers
{
    /// <summary>{"Ret":0}: nothing happened within the hold time (or the listen was let go).</summary>
    public static readonly byte[] Ret = "{\"Ret\":0}"u8.ToArray();

    /// <summary>{"Ver":"1364460338051"}: the version is a string here (user/list has a number).</summary>
    public static byte[] Version(long version)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(version, digits, out var length);
        var body = new byte[length + 10];
        "{\"Ver\":\""u8.CopyTo(body);
        digits[..length].CopyTo(body.AsSpan(8));
        "\"}"u8.CopyTo(body.AsSpan(8 + length));
        return body;
    }
}
