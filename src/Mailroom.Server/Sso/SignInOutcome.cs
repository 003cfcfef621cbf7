namespace Mailroom.Server.Sso;

internal enum SignInStatus
{
    /// <summary>The member is signed in: <see cref="SignInOutcome.Session"/> is its new session.</summary>
    SignedIn,

    /// <summary>The password was right; the second-factor code must follow (<see cref="SignInOutcome.Pending"/>).</summary>
    SecondFactorRequired,

    /// <summary>Wrong address, password or code; the answer does not say which.</summary>
    Invalid,

    /// <summary>Too many failures: refused without checking, for <see cref="SignInOutcome.RetryAfter"/>.</summary>
    Throttled,

    /// <summary>The pending sign-in is gone or no longer matches the member: start again.</summary>
    Restart,
}

/// <summary>What a step of password sign-in came to.</summary>
internal sealed record SignInOutcome(SignInStatus Status, WebmailSession? Session = null, PendingSignIn? Pending = null, TimeSpan RetryAfter = default)
{
    public static readonly SignInOutcome Invalid = new(SignInStatus.Invalid);
    public static readonly SignInOutcome Restart = new(SignInStatus.Restart);
}
