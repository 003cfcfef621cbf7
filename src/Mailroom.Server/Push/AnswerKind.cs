namespace Mailroom.Server.Push;

/// <summary>How a listen ended (STYLE.md Async: an event, the hold time, or the client gone).</summary>
internal enum AnswerKind
{
    /// <summary>The enterprise's directory version is newer than the client's: {"Ver":"…"}.</summary>
    Version,

    /// <summary>A queued event for the client.</summary>
    Event,

    /// <summary>The hold time passed: {"Ret":0} (an event stream writes a ping instead).</summary>
    Timeout,

    /// <summary>A newer listen of the same client took its place (§5: at most 16 held): {"Ret":0}.</summary>
    Evicted,

    /// <summary>The client's key was regenerated, its API switched off or its address no longer allowed: {"Ret":0}.</summary>
    Revoked,

    /// <summary>The server is stopping: {"Ret":0}.</summary>
    Shutdown,

    /// <summary>The client went away while the listen was held: nothing is written.</summary>
    Gone,
}
