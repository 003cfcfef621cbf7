namespace Mailroom.Bench;

/// <summary>What the load generator learns of a response: status, body length, and whether the server closes.</summary>
internal readonly record struct HttpResponse(int Status, long ContentLength, bool Close);
