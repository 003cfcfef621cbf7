using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Mailroom.Server.Directory;

/// <summary>
/// Member passwords (PROTOCOL.md §6.3): what is hashed is always the lower-case MD5 hex of the
/// password, so a plaintext password and its Md5=1 form verify alike.
/// <para>
/// Hashing is two-staged so that bulk synchronisation is not limited by a deliberately slow hash.
/// A write stores the <em>quick</em> form, <c>hmac-sha256$&lt;salt&gt;$&lt;h1&gt;</c> with
/// h1 = HMAC-SHA256(salt, md5hex) — salted and not recoverable, like an LDAP {SSHA}. The
/// <see cref="PasswordHardener"/> then replaces it, within seconds, by the <em>slow</em> form
/// <c>pbkdf2-sha256-hmac$&lt;iterations&gt;$&lt;salt&gt;$&lt;h2&gt;</c> with h2 = PBKDF2-SHA256(h1,
/// salt, iterations): built on h1, so it needs neither the password nor its MD5. Salt and hashes
/// are base64.
/// </para>
/// </summary>
internal sealed class PasswordHasher(IOptionsMonitor<PasswordOptions> options)
{
    public const string QuickScheme = "hmac-sha256";
    public const string SlowScheme = "pbkdf2-sha256-hmac";
    public const int MinLength = 6;
    public const int MaxLength = 64;

    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    // A stored count above this is not ours: refuse it rather than spend minutes on one check.
    private const int MaxIterations = 10_000_000;

    /// <summary>
    /// The MD5 hex to hash for a password as user/sync receives it: plaintext of 6–64 characters,
    /// or with <paramref name="isMd5"/> 32 hex digits (taken in lower case).
    /// </summary>
    public static bool TryDigest(string password, bool isMd5, [NotNullWhen(true)] out string? md5Hex)
    {
        md5Hex = null;
        if (isMd5)
        {
            if (password.Length != 32 || !password.All(char.IsAsciiHexDigit))
            {
                return false;
            }

            md5Hex = password.ToLowerInvariant();
            return true;
        }

        var length = password.EnumerateRunes().Count();
        if (length is < MinLength or > MaxLength)
        {
            return false;
        }

        md5Hex = Md5Hex(password);
        return true;
    }

    /// <summary>The quick stored form of <paramref name="md5Hex"/>, with a fresh random salt.</summary>
    public static string Quick(string md5Hex)
    {
        ArgumentNullException.ThrowIfNull(md5Hex);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        return $"{QuickScheme}${Convert.ToBase64String(salt)}${Convert.ToBase64String(Inner(md5Hex, salt))}";
    }

    public static bool IsQuick(string stored) => stored.StartsWith(QuickScheme + "$", StringComparison.Ordinal);

    /// <summary>The slow form of a quick stored hash; null when <paramref name="quick"/> is not one.</summary>
    public string? Harden(string quick)
    {
        if (!TryParse(quick, out var scheme, out _, out var salt, out var inner) || scheme != QuickScheme)
        {
            return null;
        }

        var iterations = Math.Clamp(options.CurrentValue.Iterations, 1, MaxIterations);
        var hash = Rfc2898DeriveBytes.Pbkdf2(inner, salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{SlowScheme}${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    /// <summary>True when <paramref name="md5Hex"/> is the password of <paramref name="stored"/> (either form); compared in constant time.</summary>
    public static bool Verify(string md5Hex, string stored)
    {
        ArgumentNullException.ThrowIfNull(md5Hex);
        ArgumentNullException.ThrowIfNull(stored);
        if (!TryParse(stored, out var scheme, out var iterations, out var salt, out var expected))
        {
            return false;
        }

        var inner = Inner(md5Hex.ToLowerInvariant(), salt);
        var actual = scheme == QuickScheme
            ? inner
            : Rfc2898DeriveBytes.Pbkdf2(inner, salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>
    /// What tells one setting of a password from the next: its salt, fresh for every new password
    /// and kept when the hardener replaces the quick hash by the slow one. Webmail sessions compare
    /// it to end themselves when the password changes. A value that is not a hash of ours is stamped
    /// by its own SHA-256.
    /// </summary>
    public static string Stamp(string stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return Convert.ToBase64String(TryParse(stored, out _, out _, out var salt, out _) ? salt : SHA256.HashData(Encoding.UTF8.GetBytes(stored)));
    }

    /// <summary>The lower-case MD5 hex of a plaintext password (UTF-8).</summary>
    [SuppressMessage("Security", "CA5351:Do Not Use Broken Cryptographic Primitives", Justification = "The protocol defines passwords by their MD5 hex (PROTOCOL.md §6.3, Md5=1); it is only the input to PBKDF2, never what protects them.")]
    public static string Md5Hex(string password) =>
        Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(password)));

    private static byte[] Inner(string md5Hex, byte[] salt) => HMACSHA256.HashData(salt, Encoding.UTF8.GetBytes(md5Hex));

    private static bool TryParse(string stored, out string scheme, out int iterations, out byte[] salt, out byte[] hash)
    {
        scheme = "";
        iterations = 0;
        salt = [];
        hash = [];
        var parts = stored.Split('$');
        if (parts is [QuickScheme, _, _])
        {
            scheme = QuickScheme;
            parts = [QuickScheme, "0", parts[1], parts[2]];
        }
        else if (parts is not [SlowScheme, _, _, _]
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out iterations)
            || iterations is < 1 or > MaxIterations)
        {
            return false;
        }
        else
        {
            scheme = SlowScheme;
        }

        try
        {
            salt = Convert.FromBase64String(parts[2]);
            hash = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }

        return salt.Length > 0 && hash.Length > 0;
    }
}
