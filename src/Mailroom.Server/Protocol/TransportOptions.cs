namespace Mailroom.Server.Protocol;

/// <summary>How the server hands accepted connections to Kestrel; bound from "Mailroom:Transport".</summary>
internal sealed class TransportOptions
{
    public const string Section = "Mailroom:Transport";

    /// <summary>
    /// Up to this many open connections, a new connection runs its requests on the thread that
    /// received them (see <see cref="ConnectionScheduling"/>); unset means twice the processor
    /// count, 0 never.
    /// </summary>
    public int? InlineConnections { get; set; }

    public int InlineLimit => Math.Max(0, InlineConnections ?? 2 * Environment.ProcessorCount);
}
