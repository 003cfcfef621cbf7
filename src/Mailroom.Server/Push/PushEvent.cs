namespace Mailroom.Server.Push;

/// <summary>
/// One event queued for one client (PROTOCOL.md §5): its JSON answer, encoded once and shared by
/// every client it was queued for, and its place in that client's sequence (the event stream's id).
/// </summary>
internal sealed class PushEvent(long sequence, byte[] body)
{
    public long Sequence { get; } = sequence;

    /// <summary>The answer's UTF-8 JSON; shared, never modified.</summary>
    public byte[] Body { get; } = body;
}
