namespace Mailroom.Server.Push;

/// <summary>What a listen is answered with; a value, so completing a held listen allocates nothing.</summary>
/// <param name="Kind">Why the listen ends.</param>
/// <param name="Version">For <see cref="AnswerKind.Version"/>: the version announced.</param>
/// <param name="Body">The JSON to write; shared by every listen given the same answer.</param>
/// <param name="Event">For <see cref="AnswerKind.Event"/>: the event handed over (it goes back to the queue if writing fails).</param>
/// <param name="WokenAt">Stopwatch timestamp of what woke a held listen (0: answered at once), for the wake-up latency.</param>
internal readonly record struct ListenOutcome(AnswerKind Kind, long Version, byte[]? Body, PushEvent? Event, long WokenAt);
