namespace Mailroom.Server.Auth;

/// <summary>Token and access settings; binds "Mailroom:Auth".</summary>
internal sealed class AuthOptions
{
    public const string Section = "Mailroom:Auth";

    /// <summary>Lifetime of an access token, in seconds (PROTOCOL.md §4: default 86400).</summary>
    public int TokenLifetimeSeconds { get; set; } = 86400;

    /// <summary>
    /// How often, in milliseconds, the server checks whether another process (an operator command,
    /// another node) changed a client; changes made through this server apply at once.
    /// </summary>
    public int ClientRefreshMilliseconds { get; set; } = 500;
}
