using System.Buffers;
using System.Text;

namespace Mailroom.Server.Protocol;

/// <summary>
/// Decodes application/x-www-form-urlencoded bytes the way PROTOCOL.md §2.1 asks: percent-escapes
/// decode as UTF-8 exactly once, '+' is a space, raw UTF-8 bytes pass as they are, a bare key is
/// an empty value, and anything that is not valid UTF-8 is refused.
/// </summary>
internal static class FormDecoder
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Adds each pair to <paramref name="parameters"/>, as body or query parameters.</summary>
    /// <returns>False when a name or value is not valid UTF-8 after decoding.</returns>
    public static bool TryDecode(ReadOnlySpan<byte> form, RequestParameters parameters, bool fromBody)
    {
        while (!form.IsEmpty)
        {
            var end = form.IndexOf((byte)'&');
            var pair = end < 0 ? form : form[..end];
            form = end < 0 ? [] : form[(end + 1)..];
            if (pair.IsEmpty)
            {
                continue;
            }

            var equals = pair.IndexOf((byte)'=');
            var rawName = equals < 0 ? pair : pair[..equals];
            var rawValue = equals < 0 ? [] : pair[(equals + 1)..];
            if (!TryUnescape(rawName, out var name) || !TryUnescape(rawValue, out var value))
            {
                return false;
            }

            parameters.Add(name, value, fromBody);
        }

        return true;
    }

    private static bool TryUnescape(ReadOnlySpan<byte> raw, out string text)
    {
        if (raw.IndexOfAny((byte)'%', (byte)'+') < 0)
        {
            return TryUtf8(raw, out text);
        }

        var rented = ArrayPool<byte>.Shared.Rent(raw.Length);
        try
        {
            var length = 0;
            for (var i = 0; i < raw.Length; i++)
            {
                var b = raw[i];
                if (b == '+')
                {
                    b = (byte)' ';
                }
                else if (b == '%' && i + 2 < raw.Length && IsHex(raw[i + 1]) && IsHex(raw[i + 2]))
                {
                    b = (byte)((HexValue(raw[i + 1]) << 4) | HexValue(raw[i + 2]));
                    i += 2;
                }

                rented[length++] = b;
            }

            return TryUtf8(rented.AsSpan(0, length), out text);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static bool TryUtf8(ReadOnlySpan<byte> bytes, out string text)
    {
        try
        {
            text = StrictUtf8.GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = "";
            return false;
        }
    }

    private static bool IsHex(byte b) => char.IsAsciiHexDigit((char)b);

    private static int HexValue(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;
}
