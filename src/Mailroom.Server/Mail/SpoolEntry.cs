using Mailroom.Server.Storage;

namespace Mailroom.Server.Mail;

/// <summary>A record written by this process, until its rows are committed (or it is refused).</summary>
internal sealed class SpoolEntry(SpoolMark position)
{
    public SpoolMark Position { get; } = position;

    /// <summary>Read and written under the spool's lock.</summary>
    public bool Done { get; set; }
}
