using System.Security.Cryptography;
using Mailroom.Server.Directory;

namespace Mailroom.Server.Admin;

/// <summary>
/// Administrator passwords: stored like member passwords (<see cref="PasswordHasher"/>: a salted
/// HMAC of the MD5 hex, stretched with PBKDF2), but in the slow form at once — they are set one at
/// a time, so nothing is gained by deferring the work — and never in the quick form.
/// </summary>
internal sealed class AdminPasswords(PasswordHasher hasher)
{
    public const int MinLength = 8;
    public const int MaxLength = 128;

    // No 0/O, 1/l/I: a generated password is read off a terminal and typed in.
    private const string Alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    // Verified when the account is unknown, so that the answer takes as long as for a wrong password.
    private readonly Lazy<string> _decoy = new(() => hasher.Harden(PasswordHasher.Quick(PasswordHasher.Md5Hex(Generate())))!);

    /// <summary>True when the password may be set: 8 to 128 characters, no control characters.</summary>
    public static bool IsAcceptable(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        var length = password.EnumerateRunes().Count();
        return length is >= MinLength and <= MaxLength && !password.Any(char.IsControl);
    }

    /// <summary>A random password of 20 characters (about 117 bits).</summary>
    public static string Generate() => RandomNumberGenerator.GetString(Alphabet, 20);

    /// <summary>A random stamp for the sessions of a new password.</summary>
    public static string NewStamp() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>The slow stored form of <paramref name="password"/>.</summary>
    public string Hash(string password) => hasher.Harden(PasswordHasher.Quick(PasswordHasher.Md5Hex(password)))!;

    /// <summary>True when <paramref name="password"/> is the one of <paramref name="stored"/>; null stored: always false, in the same time.</summary>
    public bool Verify(string password, string? stored)
    {
        ArgumentNullException.ThrowIfNull(password);
        var matches = PasswordHasher.Verify(PasswordHasher.Md5Hex(password), stored ?? _decoy.Value);
        return stored is not null && matches;
    }
}
