using System.Buffers.Binary;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Mailroom.Server.Storage;

/// <summary>
/// The journal of write calls answered before their SQLite commit (<see cref="Durability.Normal"/>,
/// <see cref="SqliteDatabase"/>): one record per batch of calls, holding the statements that
/// changed the database, in order, with their bound values. The journal_mark row holds the
/// sequence number of the last record the database's committed state includes.
/// </summary>
/// <remarks>
/// <para>
/// A record is appended only while its writer holds SQLite's write lock, and a commit moves the
/// mark to the last record. So records past the mark exist only while their writer's transaction
/// is open, or once that writer died with it: the next write transaction of any process (which can
/// only begin once the lock is free) replays them first, on exactly the state they were made on.
/// The journal file is the database's own path with "-calls" appended.
/// </para>
/// <para>On disk a record is a 16-byte header and its statements:</para>
/// <code>
///  0  4  magic "MRC1"
///  4  4  length of the statements (little-endian)
///  8  8  sequence number (little-endian)
/// 16     statements: count, then for each its SQL and its parameters (name, type, value)
/// </code>
/// followed by a CRC-32C of bytes 4–15 and the statements. A torn or damaged record ends the
/// journal: records are replayed only up to the first gap in the sequence.
/// </remarks>
internal sealed class CallJournal : IDisposable
{
    private const int HeaderSize = 16;
    private const int TrailerSize = 4;
    private static readonly byte[] Magic = "MRC1"u8.ToArray();

    private readonly SafeFileHandle _file;

    // Where the next record goes; set by Read, which each write transaction calls first.
    private long _end;

    public CallJournal(string databasePath)
    {
        Path = databasePath + "-calls";
        var options = new FileStreamOptions
        {
            Mode = FileMode.OpenOrCreate,
            Access = FileAccess.ReadWrite,
            Share = FileShare.ReadWrite,
            BufferSize = 0,
        };
        if (!OperatingSystem.IsWindows())
        {
            // Like the database, it holds member data: only the server's user may read it.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        _file = new FileStream(Path, options).SafeFileHandle;
    }

    public string Path { get; }

    /// <summary>
    /// The records past <paramref name="mark"/>, in order, up to the first gap or damaged record.
    /// Called at the start of every write transaction; empties the file when it holds nothing past
    /// the mark (everything in it is committed), and cuts off a damaged tail.
    /// </summary>
    public IReadOnlyList<JournalRecord> Read(long mark)
    {
        var length = RandomAccess.GetLength(_file);
        if (length == 0)
        {
            _end = 0;
            return [];
        }

        var bytes = new byte[length];
        var read = 0;
        while (read < length)
        {
            var n = RandomAccess.Read(_file, bytes.AsSpan(read), read);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        var pending = new List<JournalRecord>();
        var offset = 0;
        var expected = mark + 1;
        while (TryParse(bytes.AsSpan(offset, read - offset), mark, out var record, out var size))
        {
            if (record is not null)
            {
                if (record.Sequence != expected)
                {
                    break;
                }

                pending.Add(record);
                expected++;
            }

            offset += size;
        }

        _end = pending.Count == 0 ? 0 : offset;
        if (_end != length)
        {
            RandomAccess.SetLength(_file, _end);
        }

        return pending;
    }

    /// <summary>Appends a record with one write; returns its size in bytes.</summary>
    public int Append(long sequence, IReadOnlyList<RecordedStatement> statements)
    {
        var bytes = Encode(sequence, statements);
        RandomAccess.Write(_file, bytes, _end);
        _end += bytes.Length;
        return bytes.Length;
    }

    public void Dispose() => _file.Dispose();

    internal static byte[] Encode(long sequence, IReadOnlyList<RecordedStatement> statements)
    {
        using var body = new MemoryStream();
        using (var writer = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(statements.Count);
            foreach (var statement in statements)
            {
                writer.Write(statement.Sql);
                writer.Write(statement.Arguments.Length);
                foreach (var (name, value) in statement.Arguments)
                {
                    writer.Write(name);
                    WriteValue(writer, value);
                }
            }
        }

        var bytes = new byte[HeaderSize + body.Length + TrailerSize];
        Magic.CopyTo(bytes, 0);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), (int)body.Length);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8), sequence);
        body.GetBuffer().AsSpan(0, (int)body.Length).CopyTo(bytes.AsSpan(HeaderSize));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - TrailerSize), Crc32C.Append(0, bytes.AsSpan(4, bytes.Length - 4 - TrailerSize)));
        return bytes;
    }

    // False at the end of the journal or at a damaged record. A record at or before the mark is
    // skipped without its checksum (its statements are committed), so record is null for it.
    internal static bool TryParse(ReadOnlySpan<byte> data, long mark, out JournalRecord? record, out int size)
    {
        record = null;
        size = 0;
        if (data.Length < HeaderSize + TrailerSize || !data[..4].SequenceEqual(Magic))
        {
            return false;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(data[4..]);
        if (length < 0 || length > data.Length - HeaderSize - TrailerSize)
        {
            return false;
        }

        size = HeaderSize + length + TrailerSize;
        var sequence = BinaryPrimitives.ReadInt64LittleEndian(data[8..]);
        if (sequence <= mark)
        {
            return true;
        }

        if (Crc32C.Append(0, data[4..(size - TrailerSize)]) != BinaryPrimitives.ReadUInt32LittleEndian(data[(size - TrailerSize)..]))
        {
            return false;
        }

        try
        {
            record = new JournalRecord(sequence, Decode(data.Slice(HeaderSize, length).ToArray()));
            return true;
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or ArgumentException)
        {
            // A checksum that matches damaged contents: the journal ends here all the same.
            return false;
        }
    }

    private static List<RecordedStatement> Decode(byte[] body)
    {
        using var reader = new BinaryReader(new MemoryStream(body), Encoding.UTF8);
        var count = reader.ReadInt32();
        var statements = new List<RecordedStatement>(count);
        for (var i = 0; i < count; i++)
        {
            var sql = reader.ReadString();
            var arguments = new (string Name, object? Value)[reader.ReadInt32()];
            for (var j = 0; j < arguments.Length; j++)
            {
                arguments[j] = (reader.ReadString(), ReadValue(reader));
            }

            statements.Add(new RecordedStatement(sql, arguments));
        }

        return statements;
    }

    private static void WriteValue(BinaryWriter writer, object? value)
    {
        switch (value)
        {
            case null or DBNull:
                writer.Write((byte)0);
                break;
            case long or int or short or byte or bool:
                writer.Write((byte)1);
                writer.Write(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case double or float:
                writer.Write((byte)2);
                writer.Write(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case string text:
                writer.Write((byte)3);
                writer.Write(text);
                break;
            case byte[] blob:
                writer.Write((byte)4);
                writer.Write(blob.Length);
                writer.Write(blob);
                break;
            default:
                throw new NotSupportedException($"A statement parameter of type {value.GetType()} cannot be journaled.");
        }
    }

    private static object? ReadValue(BinaryReader reader) => reader.ReadByte() switch
    {
        0 => null,
        1 => reader.ReadInt64(),
        2 => reader.ReadDouble(),
        3 => reader.ReadString(),
        4 => reader.ReadBytes(reader.ReadInt32()),
        var type => throw new InvalidDataException($"Unknown value type {type} in the call journal."),
    };
}

/// <summary>One batch of calls in the <see cref="CallJournal"/>.</summary>
internal sealed record JournalRecord(long Sequence, IReadOnlyList<RecordedStatement> Statements);

/// <summary>A statement that changed the database, with the values it was run with.</summary>
internal sealed record RecordedStatement(string Sql, (string Name, object? Value)[] Arguments);
