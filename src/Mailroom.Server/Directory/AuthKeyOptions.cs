namespace Mailroom.Server.Directory;

/// <summary>Single sign-on keys of mail/authkey; binds "Mailroom:Sso".</summary>
internal sealed class AuthKeyOptions
{
    public const string Section = "Mailroom:Sso";

    /// <summary>Seconds an authkey stays usable (PROTOCOL.md §7.3, §10: default 300).</summary>
    public int AuthKeyLifetimeSeconds { get; set; } = 300;
}
