using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;

namespace Mailroom.Server.Sso;

/// <summary>
/// Time-based one-time passwords (RFC 6238) with the parameters every authenticator app supports:
/// HMAC-SHA-1, 6 digits, 30-second steps counted from the Unix epoch.
/// </summary>
internal static class Totp
{
    /// <summary>160 bits, the secret length RFC 4226 §4 (R6) recommends for HMAC-SHA-1.</summary>
    public const int SecretBytes = 20;

    public const int Digits = 6;

    public const int StepSeconds = 30;

    /// <summary>
    /// Steps accepted either side of the current one, for clocks that differ and for the time it
    /// takes to type a code (RFC 6238 §5.2 recommends at most one step of delay).
    /// </summary>
    public const int Window = 1;

    public static byte[] NewSecret() => RandomNumberGenerator.GetBytes(SecretBytes);

    public static long StepAt(DateTimeOffset time) => time.ToUnixTimeSeconds() / StepSeconds;

    /// <summary>The code of <paramref name="step"/>: RFC 4226 §5.3 dynamic truncation of HMAC-SHA-1 over the step.</summary>
    [SuppressMessage("Security", "CA5350:Do Not Use Weak Cryptographic Algorithms", Justification = "RFC 6238 authenticator apps compute HMAC-SHA-1; SHA-1's collision weakness does not affect HMAC.")]
    public static string Code(ReadOnlySpan<byte> secret, long step)
    {
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        Span<byte> mac = stackalloc byte[HMACSHA1.HashSizeInBytes];
        HMACSHA1.HashData(secret, counter, mac);
        var offset = mac[^1] & 0x0F;
        var binary = BinaryPrimitives.ReadInt32BigEndian(mac[offset..]) & 0x7FFF_FFFF;
        return (binary % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The step, within <see cref="Window"/> of <paramref name="now"/> and after
    /// <paramref name="lastUsedStep"/>, whose code <paramref name="code"/> is; null when none.
    /// Spaces and dashes in the typed code are ignored.
    /// </summary>
    public static long? Match(ReadOnlySpan<byte> secret, string? code, DateTimeOffset now, long lastUsedStep)
    {
        var digits = (code ?? "").Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        if (digits.Length != Digits || !digits.All(char.IsAsciiDigit))
        {
            return null;
        }

        var current = StepAt(now);
        long? matched = null;

        // Every candidate is computed and compared in constant time, so timing tells nothing.
        for (var step = current - Window; step <= current + Window; step++)
        {
            var expected = Code(secret, step);
            if (CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(expected), System.Text.Encoding.ASCII.GetBytes(digits))
                && step > lastUsedStep && matched is null)
            {
                matched = step;
            }
        }

        return matched;
    }

    /// <summary>
    /// The <c>otpauth://</c> URI authenticator apps read from a QR code (the Key Uri Format of Google
    /// Authenticator, which the other apps follow).
    /// </summary>
    public static string KeyUri(string issuer, string account, ReadOnlySpan<byte> secret)
    {
        var label = Uri.EscapeDataString(issuer) + ":" + Uri.EscapeDataString(account);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"otpauth://totp/{label}?secret={Base32.Encode(secret)}&issuer={Uri.EscapeDataString(issuer)}&algorithm=SHA1&digits={Digits}&period={StepSeconds}");
    }
}
