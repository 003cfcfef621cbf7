namespace Mailroom.Server.Mail;

/// <summary>
/// Where a message's raw bytes are (a file under the spool root, an offset in it and a length),
/// where its record starts, and its place among the records waiting for their rows.
/// </summary>
internal sealed record SpooledMessage(string File, long Offset, long Size, long RecordOffset, SpoolEntry Entry);
