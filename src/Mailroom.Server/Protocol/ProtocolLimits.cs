namespace Mailroom.Server.Protocol;

/// <summary>Request limits of PROTOCOL.md §10; bound from the "Mailroom:Limits" section.</summary>
internal sealed class ProtocolLimits
{
    public const string Section = "Mailroom:Limits";

    /// <summary>Largest accepted request body; bigger bodies get HTTP 413.</summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// How much of an oversized body is read and discarded before answering 413, so that ordinary
    /// clients still sending it read the answer; bigger bodies are cut off (Kestrel's limit).
    /// </summary>
    public int DrainLimitBytes => MaxBodyBytes * 8;

    /// <summary>Most parameter values one request may carry (query and body together).</summary>
    public int MaxParameters { get; set; } = 10_000;
}
