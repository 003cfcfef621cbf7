using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;

namespace Mailroom.Server.Auth;

/// <summary>
/// Interface keys (client secrets): 128 random bits as 32 lower-case hex digits, like the
/// original's. Stored twice: encrypted with Data Protection (so the console can reveal it) and as
/// a SHA-256 digest (so checking a credential never decrypts).
/// </summary>
internal sealed class InterfaceKeys(IDataProtectionProvider protection)
{
    private readonly IDataProtector _protector = protection.CreateProtector("Mailroom.InterfaceKey");

    public static string Generate() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    public static bool Matches(ClientState client, string secret) =>
        CryptographicOperations.FixedTimeEquals(Hash(secret), client.SecretHash);

    public string Protect(string secret) => _protector.Protect(secret);

    public string Unprotect(string protectedSecret) => _protector.Unprotect(protectedSecret);
}
