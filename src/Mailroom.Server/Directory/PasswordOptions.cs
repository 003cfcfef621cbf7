namespace Mailroom.Server.Directory;

/// <summary>How member passwords are hashed; binds "Mailroom:Passwords".</summary>
internal sealed class PasswordOptions
{
    public const string Section = "Mailroom:Passwords";

    /// <summary>
    /// PBKDF2-HMAC-SHA256 iterations for new hashes. Stored hashes carry their own count, so raising
    /// it later keeps every existing password valid.
    /// </summary>
    public int Iterations { get; set; } = 10_000;
}
