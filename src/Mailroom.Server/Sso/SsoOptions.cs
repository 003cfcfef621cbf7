namespace Mailroom.Server.Sso;

/// <summary>Webmail sign-in: sessions, password throttling, the second factor; binds "Mailroom:Sso".</summary>
internal sealed class SsoOptions
{
    public const string Section = "Mailroom:Sso";

    /// <summary>Minutes a webmail session lives without use; each use moves its end forward.</summary>
    public int SessionIdleMinutes { get; set; } = 120;

    /// <summary>Failed password or code attempts for one account within the window before it is refused.</summary>
    public int LoginFailuresPerAccount { get; set; } = 5;

    /// <summary>Failed attempts from one client address within the window before it is refused.</summary>
    public int LoginFailuresPerSource { get; set; } = 50;

    /// <summary>Minutes failures are counted over, and an account or address is refused for.</summary>
    public int LoginThrottleMinutes { get; set; } = 15;

    /// <summary>Minutes between a correct password and the second-factor code that completes the sign-in.</summary>
    public int SecondFactorMinutes { get; set; } = 5;

    /// <summary>The name authenticator apps show for the account.</summary>
    public string TotpIssuer { get; set; } = "Mailroom";
}
