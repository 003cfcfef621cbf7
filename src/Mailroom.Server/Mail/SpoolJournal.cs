using System.Buffers;
using System.Globalization;
using Mailroom.Server.Storage;

namespace Mailroom.Server.Mail;

/// <summary>
/// The message spool's files as a start sees them (<see cref="MessageSpool"/> writes them): which
/// journal files follow a recovery mark, the records in one, and the leftovers of a crash.
/// </summary>
internal static class SpoolJournal
{
    /// <summary>Digits of a journal file's sequence number: <c>000000000042.msg</c>.</summary>
    public const int SequenceDigits = 12;

    /// <summary>The sequence number of a journal file's name, or null when the name is not one.</summary>
    public static long? Sequence(string name) =>
        name.Length == SequenceDigits + 4 && name.EndsWith(".msg", StringComparison.Ordinal)
        && long.TryParse(name.AsSpan(0, SequenceDigits), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            ? sequence
            : null;

    /// <summary>The journal file name of a sequence number.</summary>
    public static string FileName(long sequence) =>
        sequence.ToString(new string('0', SequenceDigits), CultureInfo.InvariantCulture) + ".msg";

    /// <summary>The day directories under <paramref name="root"/>, oldest first.</summary>
    public static IEnumerable<string> Days(string root) =>
        System.IO.Directory.GetDirectories(root).Select(Path.GetFileName).OfType<string>().Where(IsDay).Order(StringComparer.Ordinal);

    /// <summary>
    /// The journal files that may hold records after <paramref name="mark"/> (every one when there
    /// is no mark), in the order they were written. A new file never goes into a day directory
    /// before the previous file's, so only the mark's day and later ones are listed.
    /// </summary>
    public static IReadOnlyList<string> FilesFrom(string root, SpoolMark? mark)
    {
        if (!System.IO.Directory.Exists(root))
        {
            return [];
        }

        var fromDay = mark is null ? "" : mark.File.Split('/')[0];
        var fromSequence = mark is null ? -1 : Sequence(Path.GetFileName(mark.File)) ?? -1;
        var files = new List<(long Sequence, string File)>();
        foreach (var day in Days(root).Where(d => string.CompareOrdinal(d, fromDay) >= 0))
        {
            foreach (var path in System.IO.Directory.EnumerateFiles(Path.Combine(root, day)))
            {
                var name = Path.GetFileName(path);
                if (Sequence(name) is { } sequence && sequence >= fromSequence)
                {
                    files.Add((sequence, $"{day}/{name}"));
                }
            }
        }

        return [.. files.OrderBy(f => f.Sequence).Select(f => f.File)];
    }

    /// <summary>
    /// The records of <paramref name="file"/> from <paramref name="offset"/> on, up to the first
    /// that is incomplete or fails its checksum: the torn tail of a write a crash interrupted, never
    /// acknowledged. Nothing follows such a tail in its file (the writer moves on to a new file).
    /// </summary>
    /// <exception cref="InvalidDataException">A checksummed record of a version this build cannot read.</exception>
    public static IEnumerable<JournalEntry> Read(string root, string file, long offset)
    {
        using var stream = new FileStream(Path.Combine(root, file), FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 64 * 1024);
        var header = new byte[SpoolRecord.HeaderSize];
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            var position = offset;
            while (true)
            {
                stream.Position = position;
                if (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length
                    || SpoolRecord.ReadHeader(header) is not { } parsed
                    || parsed.Length > stream.Length - position)
                {
                    yield break;
                }

                var metadata = new byte[parsed.MetadataLength];
                stream.ReadExactly(metadata);
                var crc = Crc32C.Append(parsed.PartialCrc, metadata);
                for (var left = parsed.RawLength; left > 0;)
                {
                    var n = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                    if (n == 0)
                    {
                        yield break;
                    }

                    crc = Crc32C.Append(crc, buffer.AsSpan(0, n));
                    left -= n;
                }

                if (crc != parsed.Crc)
                {
                    yield break;
                }

                var rawOffset = position + SpoolRecord.HeaderSize + parsed.MetadataLength;
                var end = position + parsed.Length;
                yield return new JournalEntry(new SpoolMark(file, position), rawOffset, parsed.RawLength, parsed.Refused, SpoolRecord.Decode(metadata), new SpoolMark(file, end));
                position = end;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Removes what a crash left behind: temporary files of earlier builds, and files no message
    /// row names (empty files made ahead of time, a torn first record, records all refused). Only
    /// the two newest day directories can hold them, so the start costs the same however much mail
    /// is stored. Runs after the journal is replayed and before the writer starts.
    /// </summary>
    public static async Task<int> RemoveOrphansAsync(string root, Func<string, Task<bool>> isStored, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(isStored);
        if (!System.IO.Directory.Exists(root))
        {
            return 0;
        }

        var removed = 0;
        foreach (var day in Days(root).TakeLast(2))
        {
            foreach (var path in System.IO.Directory.GetFiles(Path.Combine(root, day)))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var file = $"{day}/{Path.GetFileName(path)}";
                if (path.EndsWith(".tmp", StringComparison.Ordinal) || !await isStored(file))
                {
                    File.Delete(path);
                    removed++;
                }
            }
        }

        return removed;
    }

    private static bool IsDay(string name) => name.Length == 8 && name.All(char.IsAsciiDigit);
}
