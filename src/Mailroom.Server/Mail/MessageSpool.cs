using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using Mailroom.Server.Storage;
using Microsoft.Extensions.Options;
using Microsoft.Win32.SafeHandles;

namespace Mailroom.Server.Mail;

/// <summary>
/// The raw MIME of received messages, and the journal of their deliveries (read back at start by
/// <see cref="SpoolJournal"/>): files
/// <c>&lt;DataDir&gt;/mail/&lt;yyyyMMdd&gt;/&lt;sequence&gt;.msg</c> (twelve digits, one sequence
/// across days, in the order the files are written), each a series of records
/// (<see cref="SpoolRecord"/>: a checksummed header, the delivery's metadata — MailIds, members,
/// headers — and the raw message). A message row says where its raw bytes are (file, offset, size).
/// <para>
/// One fsync makes a message accepted: <see cref="StoreAsync"/> completes once its record is on
/// disk, and the caller then commits the database rows without waiting for a flush of the database
/// (<see cref="IDatabase.WriteJournaledAsync"/>) and answers 250. Should a power loss take those
/// rows with it, the record is still there and <see cref="SpoolRecovery"/> writes them again at
/// the next start (exactly once: a record whose raw bytes a message row already names is skipped).
/// Before this design a message waited for two flushes in a row, its file's and the database's.
/// The order matters: the rows are committed only after the record is durable, so a row never
/// names bytes a crash could lose.
/// </para>
/// <para>
/// Records are appended to one file at a time, which takes records until it holds
/// <see cref="MaxFileBytes"/> or the day changes (or a write fails); the next file's name was
/// made durable ahead of time (an empty file and one fsync of its directory, done while idle), so
/// appending never needs a directory fsync. One thread writes at a time: a session that finds
/// nobody writing writes its own record and flushes it on its own thread (no hand-over to another
/// thread and back, each of which costs a wake-up on a busy machine); the records that arrive
/// while it flushes are written by a pool thread as the next batch, with one fsync for all of them
/// (group commit). Files are prepared on a pool thread too, never on a session's. At most one
/// thread is ever blocked in fsync. Bytes once acknowledged are never
/// changed; only a record whose rows could not be committed (the sender was told to retry) has its
/// state byte set to refused, so that a start does not deliver it after all.
/// </para>
/// <para>
/// The recovery mark (<see cref="Mark"/>) is the position before which every record has its
/// rows committed; <see cref="SpoolRecovery"/> stores it in the database every second while mail
/// flows, with a durable write, and a start reads only the records after it.
/// </para>
/// </summary>
internal sealed partial class MessageSpool : IDisposable
{
    /// <summary>The spool's name in the database's <c>spool_marks</c>.</summary>
    public const string Name = "mail";

    /// <summary>A file takes no more records once it is this large (a larger message still goes in whole).</summary>
    public const long MaxFileBytes = 64L * 1024 * 1024;

    /// <summary>How far ahead of the records the current file is filled with zeros (see <see cref="Extend"/>).</summary>
    public const int AllocationStep = 1024 * 1024;

    private const int MaxBatch = 256;
    private const int PoolSize = 2;
    private static readonly byte[] Zeros = new byte[AllocationStep];

    private readonly ConcurrentQueue<SpoolWrite> _queue = new();
    private readonly HashSet<string> _knownDirectories = new(StringComparer.Ordinal);
    private readonly Queue<string> _ready = new();
    private readonly SpoolProgress _progress = new();
    private readonly Lock _start = new();
    private readonly TimeProvider _time;
    private readonly ILogger<MessageSpool> _logger;
    private bool _started;
    private bool _disposed;

    // 1 while a thread writes or prepares files: the state below is that thread's alone.
    private int _leading;
    private bool _preparationDue;
    private long _nextSequence;
    private string _day = "";
    private string _readyDay = "";
    private SafeFileHandle? _current;
    private string _currentFile = "";
    private long _position;
    private long _allocated;

    public MessageSpool(IOptions<StorageOptions> storage, TimeProvider time, ILogger<MessageSpool> logger)
    {
        _time = time;
        Root = Path.Combine(Path.GetFullPath(storage.Value.DataDir), "mail");
        _logger = logger;
    }

    /// <summary>The directory holding the day directories.</summary>
    public string Root { get; }

    /// <summary>
    /// Journals a delivery and its message durably; where the raw message is. Not cancellable:
    /// the caller's buffer is in use until the write is done, so the caller always waits for it.
    /// The caller reports the outcome of its database write with <see cref="Committed"/> or
    /// <see cref="Refuse"/>.
    /// </summary>
    public Task<SpooledMessage> StoreAsync(SpoolRecord record, ReadOnlySequence<byte> content)
    {
        ArgumentNullException.ThrowIfNull(record);

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);

        // The checksum is computed here, by each session, not by the one thread writing.
        var write = new SpoolWrite(record.Encode(content), content);
        Start();
        _queue.Enqueue(write);
        Work(background: false);
        if (Volatile.Read(ref _disposed))
        {
            // Raced with Dispose, which may have closed the spool before this record was queued.
            FailQueued();
        }

        return write.Completion.Task;
    }

    /// <summary>The message's rows are committed: its record no longer holds the recovery mark back.</summary>
    public void Committed(SpooledMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        _progress.Done(message.Entry);
    }

    /// <summary>
    /// The message's rows could not be committed and the sender is told to try again: its record
    /// is marked refused, so that no start delivers it after all.
    /// </summary>
    public void Refuse(SpooledMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            using var stream = new FileStream(FullPath(message.File), FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
            stream.Position = message.RecordOffset + SpoolRecord.StateOffset;
            stream.WriteByte(SpoolRecord.Refused);
            stream.Flush(flushToDisk: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only a start before the next mark would deliver it; the sender may then get it twice.
            LogRefuseFailed(_logger, e, message.File, message.RecordOffset);
        }

        Committed(message);
    }

    /// <summary>The recovery mark of what this process wrote (<see cref="SpoolProgress.Mark"/>); null when it wrote nothing.</summary>
    public SpoolMark? Mark() => _progress.Mark();

    /// <summary>Reads a stored message into memory (messages are at most the SMTP size limit).</summary>
    public async Task<Stream> OpenReadAsync(string file, long offset, long size, CancellationToken cancellationToken)
    {
        var bytes = new byte[size];

        // The file may be the one records are still appended to.
        using var handle = File.OpenHandle(FullPath(file), FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.Asynchronous);
        var read = 0;
        while (read < bytes.Length)
        {
            var n = await RandomAccess.ReadAsync(handle, bytes.AsMemory(read), offset + read, cancellationToken);
            if (n == 0)
            {
                throw new IOException($"The message file {file} ends before its message does.");
            }

            read += n;
        }

        return new MemoryStream(bytes, writable: false);
    }

    /// <summary>Readies the spool for writing (the first files are prepared at once); otherwise the first message does.</summary>
    public void Start()
    {
        lock (_start)
        {
            if (_started)
            {
                return;
            }

            DataDirectory.Create(Root);
            ContinueSequence();
            _preparationDue = true;
            _started = true;
        }

        Schedule();
    }

    /// <summary>Writes what is queued, then closes the current file; later records are refused.</summary>
    public void Dispose()
    {
        Volatile.Write(ref _disposed, true);
        var spin = new SpinWait();
        while (Interlocked.CompareExchange(ref _leading, 1, 0) != 0)
        {
            spin.SpinOnce();
        }

        // The lead is kept for good: nothing is written after this.
        while (TakeBatch() is { Count: > 0 } batch)
        {
            WriteBatch(batch);
        }

        CloseCurrent();
        DiscardPrepared();
    }

    private string FullPath(string file) => Path.Combine(Root, file);

    // New files continue the sequence of those on disk, in a day no earlier than theirs.
    private void ContinueSequence()
    {
        foreach (var day in SpoolJournal.Days(Root).Reverse())
        {
            if (_day.Length == 0)
            {
                _day = day;
            }

            var sequences = System.IO.Directory.EnumerateFiles(Path.Combine(Root, day)).Select(p => SpoolJournal.Sequence(Path.GetFileName(p))).OfType<long>().ToList();
            if (sequences.Count > 0)
            {
                _nextSequence = sequences.Max() + 1;
                return;
            }
        }
    }

    // Whoever finds nobody writing writes. A session writes one batch (with its own record in it,
    // unless more than a batch was queued before it) and leaves what was queued meanwhile, and
    // file preparation, to a pool thread; the pool thread goes on while there is work. The queue
    // is looked at again after every release, so a record queued while the lead was held is
    // never left behind.
    private void Work(bool background)
    {
        while (Interlocked.CompareExchange(ref _leading, 1, 0) == 0)
        {
            var idle = false;
            try
            {
                if (Volatile.Read(ref _disposed))
                {
                    return;
                }

                if (TakeBatch() is { Count: > 0 } batch)
                {
                    WriteBatch(batch);
                }
                else if (background && _preparationDue)
                {
                    Extend();
                    PrepareFiles();
                }
                else
                {
                    idle = true;
                }
            }
            finally
            {
                Volatile.Write(ref _leading, 0);
            }

            if (!background)
            {
                if (!_queue.IsEmpty || Volatile.Read(ref _preparationDue))
                {
                    Schedule();
                }

                return;
            }

            if (idle && _queue.IsEmpty)
            {
                return;
            }
        }
    }

    private void Schedule() => ThreadPool.UnsafeQueueUserWorkItem(static spool => spool.Work(background: true), this, preferLocal: false);

    private List<SpoolWrite> TakeBatch()
    {
        var batch = new List<SpoolWrite>();
        while (batch.Count < MaxBatch && _queue.TryDequeue(out var write))
        {
            batch.Add(write);
        }

        return batch;
    }

    private void FailQueued()
    {
        while (_queue.TryDequeue(out var write))
        {
            write.Fail(new ObjectDisposedException(nameof(MessageSpool)));
        }
    }

    private void WriteBatch(List<SpoolWrite> batch)
    {
        long start = -1;
        try
        {
            var handle = CurrentFile();
            var file = _currentFile;
            start = _position;
            var offsets = new long[batch.Count];
            var buffers = new List<ReadOnlyMemory<byte>>(batch.Count * 2);
            var end = start;
            for (var i = 0; i < batch.Count; i++)
            {
                offsets[i] = end;
                buffers.Add(batch[i].Header);
                foreach (var segment in batch[i].Content)
                {
                    buffers.Add(segment);
                }

                end += batch[i].Header.Length + batch[i].Content.Length;
            }

            // One gathered write, then the data flushed: within the zeros written ahead, no metadata.
            RandomAccess.Write(handle, buffers, start);
            FileSync.Data(handle);
            _position = end;
            if (_allocated - _position < AllocationStep / 2)
            {
                Volatile.Write(ref _preparationDue, true);
            }

            var entries = _progress.Written([.. offsets.Select(o => new SpoolMark(file, o))], new SpoolMark(file, end));
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Complete(new SpooledMessage(file, offsets[i] + batch[i].Header.Length, batch[i].Content.Length, offsets[i], entries[i]));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing of the batch counts, and no later record may follow it in this file.
            AbandonCurrent(start);
            foreach (var write in batch)
            {
                write.Fail(e);
            }
        }
    }

    // Off the sessions' path: the current file's next blocks written with zeros and flushed, so
    // that records overwrite blocks whose allocation and size are durable already and their flush
    // is the data alone. Unused zeros are cut at a clean close; a start's reading stops at them.
    private void Extend()
    {
        if (_current is null || _allocated - _position >= AllocationStep / 2 || _position >= MaxFileBytes)
        {
            return;
        }

        try
        {
            var from = Math.Max(_allocated, _position);
            RandomAccess.Write(_current, Zeros, from);
            FileSync.Data(_current);
            _allocated = from + Zeros.Length;
        }
        catch (IOException e)
        {
            // Only an optimisation: records then extend the file themselves.
            LogPrepareFailed(_logger, e);
        }
    }

    private SafeFileHandle CurrentFile()
    {
        var day = NextDay();
        if (_current is not null && (_position >= MaxFileBytes || day != _day))
        {
            CloseCurrent();
        }

        if (_current is null)
        {
            _day = day;
            var file = TakePrepared(day) ?? CreateFiles(day, 1)[0];
            Volatile.Write(ref _preparationDue, true);
            _current = File.OpenHandle(FullPath(file), FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
            _currentFile = file;
            _position = 0;
            _allocated = 0;
        }

        return _current;
    }

    /// <summary>Today (UTC), unless the clock went back: a new file never goes into a day before the last one's.</summary>
    private string NextDay()
    {
        var today = _time.GetUtcNow().UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        return string.CompareOrdinal(today, _day) > 0 ? today : _day;
    }

    private string? TakePrepared(string day)
    {
        if (day != _readyDay)
        {
            DiscardPrepared();
            return null;
        }

        return _ready.TryDequeue(out var file) ? file : null;
    }

    // Off the sessions' path: empty files for the next rotations, their names made durable by one
    // directory fsync.
    private void PrepareFiles()
    {
        Volatile.Write(ref _preparationDue, false);
        var day = NextDay();
        if (day != _readyDay)
        {
            DiscardPrepared();
            _readyDay = day;
        }

        if (_ready.Count >= PoolSize)
        {
            return;
        }

        try
        {
            foreach (var file in CreateFiles(day, PoolSize - _ready.Count))
            {
                _ready.Enqueue(file);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only an optimisation: a rotation then creates its file itself.
            LogPrepareFailed(_logger, e);
        }
    }

    // New empty files, the next numbers of the sequence, durable (directory fsynced) before use.
    private List<string> CreateFiles(string day, int count)
    {
        var directory = EnsureDirectory(day);
        var created = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var name = SpoolJournal.FileName(_nextSequence++);
            File.Create(Path.Combine(directory, name), 1, FileOptions.None).Dispose();
            created.Add($"{day}/{name}");
        }

        DirectorySync.Flush(directory);
        return created;
    }

    private void DiscardPrepared()
    {
        while (_ready.TryDequeue(out var file))
        {
            TryDelete(file);
        }
    }

    // The zeros after the last record are cut; a file left by a crash keeps them, harmlessly.
    private void CloseCurrent()
    {
        if (_current is null)
        {
            return;
        }

        try
        {
            RandomAccess.SetLength(_current, _position);
        }
        catch (IOException e)
        {
            LogTruncateFailed(_logger, e, _currentFile);
        }

        _current.Dispose();
        _current = null;
    }

    // After a failed write: cut what the batch left (best effort: a start's reading stops at a
    // torn record anyway) and leave the file for good.
    private void AbandonCurrent(long batchStart)
    {
        if (_current is null)
        {
            return;
        }

        try
        {
            if (batchStart >= 0)
            {
                RandomAccess.SetLength(_current, batchStart);
                RandomAccess.FlushToDisk(_current);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogTruncateFailed(_logger, e, _currentFile);
        }

        _current.Dispose();
        _current = null;
    }

    // A new day directory is itself a new name in Root: Root is synced before any file in it counts.
    private string EnsureDirectory(string day)
    {
        var directory = Path.Combine(Root, day);
        if (_knownDirectories.Contains(directory))
        {
            return directory;
        }

        if (!System.IO.Directory.Exists(directory))
        {
            DataDirectory.Create(directory);
            DirectorySync.Flush(Root);
        }

        _knownDirectories.Add(directory);
        return directory;
    }

    private void TryDelete(string file)
    {
        try
        {
            File.Delete(FullPath(file));
        }
        catch (IOException e)
        {
            LogDeleteFailed(_logger, e, file);
        }
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "Could not remove the message file {File}; an empty one is removed at the next start")]
    private static partial void LogDeleteFailed(ILogger logger, Exception exception, string file);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "Could not create message files ahead of time")]
    private static partial void LogPrepareFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Warning, Message = "Could not cut the message file {File} after its last record; a start's reading stops at what follows unless it is a complete record")]
    private static partial void LogTruncateFailed(ILogger logger, Exception exception, string file);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Error, Message = "Could not mark the record at {Offset} of {File} refused; a start before the next recovery mark would deliver it")]
    private static partial void LogRefuseFailed(ILogger logger, Exception exception, string file, long offset);

    private sealed class SpoolWrite(byte[] header, ReadOnlySequence<byte> content)
    {
        public byte[] Header { get; } = header;

        public ReadOnlySequence<byte> Content { get; } = content;

        public TaskCompletionSource<SpooledMessage> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Complete(SpooledMessage stored) => Completion.TrySetResult(stored);

        public void Fail(Exception e) => Completion.TrySetException(e);
    }
}
