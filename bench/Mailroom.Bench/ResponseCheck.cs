namespace Mailroom.Bench;

/// <summary>Decides whether a response is the expected answer; <paramref name="head"/> is the body's first bytes.</summary>
internal delegate bool ResponseCheck(HttpResponse response, ReadOnlySpan<byte> head);
