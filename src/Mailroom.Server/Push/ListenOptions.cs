namespace Mailroom.Server.Push;

/// <summary>
/// Long polling and the event stream of <c>/openapi/listen</c> (PROTOCOL.md §5, §10); bound from
/// the "Mailroom:Listen" section. Read when each listen arrives, so a change applies to the next ones.
/// </summary>
internal sealed class ListenOptions
{
    public const string Section = "Mailroom:Listen";

    /// <summary>How long a listen is held before it is answered {"Ret":0} (§5: 25 s; clients time out at 30 s).</summary>
    public int HoldSeconds { get; set; } = 25;

    /// <summary>
    /// How long a client stays online after its last listen finished, so that events are queued for
    /// it between two listens; 0: twice <see cref="HoldSeconds"/> (§5).
    /// </summary>
    public int GraceSeconds { get; set; }

    /// <summary>Held listens per client; the oldest is answered {"Ret":0} when one more arrives (§5, §10).</summary>
    public int MaxListensPerClient { get; set; } = 16;

    /// <summary>Queued events per client; on overflow the oldest are dropped and counted (§5, §10).</summary>
    public int MaxQueuedEvents { get; set; } = 10_000;

    /// <summary>Seconds between <c>: ping</c> comments on an idle event stream.</summary>
    public int PingSeconds { get; set; } = 25;

    /// <summary>
    /// Events delivered over event streams that each client keeps for replay, so that a stream
    /// resumed with Last-Event-ID gets again what it may have lost with its connection.
    /// </summary>
    public int ReplayEvents { get; set; } = 1_000;

    /// <summary>
    /// At most one operation-log line per client in this many seconds about dropped events; drops in
    /// between are added up into the next line (or the one written at stop).
    /// </summary>
    public int DropLogSeconds { get; set; } = 60;

    public TimeSpan Hold => TimeSpan.FromSeconds(Math.Max(1, HoldSeconds));

    public TimeSpan Grace => GraceSeconds > 0 ? TimeSpan.FromSeconds(GraceSeconds) : 2 * Hold;

    public TimeSpan Ping => TimeSpan.FromSeconds(Math.Max(1, PingSeconds));

    public int ListenLimit => Math.Max(1, MaxListensPerClient);

    public int QueueLimit => Math.Max(1, MaxQueuedEvents);
}
