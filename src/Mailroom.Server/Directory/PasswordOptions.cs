namespace Mailroom.Server.Directory;

/// <summary>How member passwords are hashed; binds "Mailroom:Passwords".</summary>
internal sealed class PasswordOptions
{
    public const string Section = "Mailroom:Passwords";

    /// <summary>
    /// PBKDF2-HMAC-SHA256 iterations of the slow form the hardener stores. Stored hashes carry their
    /// own count, so changing it later keeps every existing password valid.
    /// </summary>
    public int Iterations { get; set; } = 100_000;
}
