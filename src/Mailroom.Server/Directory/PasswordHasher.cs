using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Mailroom.Server.Directory;

/// <summary>
/// Member passwords (PROTOCOL.md §6.3): what is hashed is always the lower-case MD5 hex of the
/// password, so a plaintext password and its Md5=1 form verify alike. The stored form is a slow
/// salted hash that describes itself: <c>pbkdf2-sha256$&lt;iterations&gt;$&lt;salt&gt;$&lt;hash&gt;</c>
/// (salt and hash in base64).
/// </summary>
internal sealed class PasswordHasher(IOptionsMonitor<PasswordOptions> options)
{
    public const string Scheme = "pbkdf2-sha256";
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

    /// <summary>A new stored hash of <paramref name="md5Hex"/> with a fresh random salt.</summary>
    public string Hash(string md5Hex)
    {
        ArgumentNullException.ThrowIfNull(md5Hex);
        var iterations = Math.Clamp(options.CurrentValue.Iterations, 1, MaxIterations);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Derive(md5Hex, salt, iterations, HashBytes);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{Scheme}${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    /// <summary>True when <paramref name="md5Hex"/> is the password of <paramref name="stored"/>; compared in constant time.</summary>
    public static bool Verify(string md5Hex, string stored)
    {
        ArgumentNullException.ThrowIfNull(md5Hex);
        ArgumentNullException.ThrowIfNull(stored);
        var parts = stored.Split('$');
        if (parts.Length != 4
            || parts[0] != Scheme
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations)
            || iterations is < 1 or > MaxIterations)
        {
            return false;
        }

        byte[] salt;
        byte[] expected;
        try
        {
            salt = Convert.FromBase64String(parts[2]);
            expected = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }

        if (expected.Length == 0)
        {
            return false;
        }

        var actual = Derive(md5Hex.ToLowerInvariant(), salt, iterations, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>The lower-case MD5 hex of a plaintext password (UTF-8).</summary>
    [SuppressMessage("Security", "CA5351:Do Not Use Broken Cryptographic Primitives", Justification = "The protocol defines passwords by their MD5 hex (PROTOCOL.md §6.3, Md5=1); it is only the input to PBKDF2, never what protects them.")]
    public static string Md5Hex(string password) =>
        Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(password)));

    private static byte[] Derive(string md5Hex, byte[] salt, int iterations, int length) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(md5Hex), salt, iterations, HashAlgorithmName.SHA256, length);
}
