using System.Security.Cryptography;

namespace Mailroom.Server.Directory;

/// <summary>
/// The keys of mail/authkey (PROTOCOL.md §7.3): 56 random bytes shown as 112 upper-case hex
/// characters, like the original's. Only the SHA-256 of the raw bytes is stored, so a ticket is
/// found by hashing what the browser brings, in either letter case.
/// </summary>
internal static class AuthKeys
{
    public const int KeyBytes = 56;

    /// <summary>A new key and the hash to store for it.</summary>
    public static (string Key, byte[] Hash) Generate()
    {
        var bytes = RandomNumberGenerator.GetBytes(KeyBytes);
        return (Convert.ToHexString(bytes), SHA256.HashData(bytes));
    }

    /// <summary>The stored hash of a presented key, or null when it cannot be a key at all.</summary>
    public static byte[]? HashOf(string? key)
    {
        if (key is null || key.Length != KeyBytes * 2 || !key.All(char.IsAsciiHexDigit))
        {
            return null;
        }

        return SHA256.HashData(Convert.FromHexString(key));
    }
}
