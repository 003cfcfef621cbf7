using Mailroom.Server.Storage;

namespace Mailroom.Server.Mail;

/// <summary>A record read back from the spool's journal: where it and its raw message are, and what it says.</summary>
internal sealed record JournalEntry(SpoolMark Position, long RawOffset, long RawLength, bool Refused, SpoolRecord Record, SpoolMark End);
