using Mailroom.Server.Storage;

namespace Mailroom.Server.Mail;

/// <summary>
/// Which records the spool has written whose rows are not committed yet, in the order they were
/// written; from that, the recovery mark. Rows are committed in any order (concurrent sessions),
/// so the mark stops at the oldest record still waiting.
/// </summary>
internal sealed class SpoolProgress
{
    private readonly Queue<SpoolEntry> _pending = new();
    private readonly Lock _lock = new();
    private SpoolMark? _end;

    /// <summary>Records just made durable, in file order, and the end of the last one.</summary>
    public SpoolEntry[] Written(IReadOnlyList<SpoolMark> records, SpoolMark end)
    {
        ArgumentNullException.ThrowIfNull(records);
        var entries = new SpoolEntry[records.Count];
        lock (_lock)
        {
            for (var i = 0; i < entries.Length; i++)
            {
                entries[i] = new SpoolEntry(records[i]);
                _pending.Enqueue(entries[i]);
            }

            _end = end;
        }

        return entries;
    }

    public void Done(SpoolEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_lock)
        {
            entry.Done = true;
        }
    }

    /// <summary>
    /// The position before which every record written has its rows committed (or was refused):
    /// the start of the oldest record still waiting for its rows, else the end of the last record.
    /// Null when nothing has been written.
    /// </summary>
    public SpoolMark? Mark()
    {
        lock (_lock)
        {
            while (_pending.TryPeek(out var oldest) && oldest.Done)
            {
                _pending.Dequeue();
            }

            return _pending.TryPeek(out var waiting) ? waiting.Position : _end;
        }
    }
}
