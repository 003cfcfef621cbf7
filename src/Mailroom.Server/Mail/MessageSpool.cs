using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using Mailroom.Server.Storage;
using Microsoft.Extensions.Options;

namespace Mailroom.Server.Mail;

/// <summary>
/// The raw MIME of received messages, and the journal of their deliveries (read back at start by
/// <see cref="SpoolJournal"/>): files <c>&lt;DataDir&gt;/mail/&lt;yyyyMMdd&gt;/&lt;sequence&gt;.msg</c>
/// (twelve digits, one sequence across days, in the order the files are written), each a series
/// of records (<see cref="SpoolRecord"/>: a checksummed header, the delivery's metadata — MailIds,
/// members, headers — and the raw message). A message row says where its raw bytes are (file,
/// offset, size).
/// <para>
/// One flush makes a message accepted. <see cref="StoreAsync"/> completes once its record is on
/// disk; the caller then commits the database rows without a flush of the database
/// (<see cref="IDatabase.WriteJournaledAsync"/>) and answers 250. Should a power loss take those
/// rows, the record is still there and <see cref="SpoolRecovery"/> writes them again at the next
/// start, exactly once (a record whose raw bytes a message row already names is skipped). Before,
/// a message waited for two flushes in a row — its file's, then the database commit's — which
/// capped one SMTP session below the rate of the disk's flushes. The order matters: the rows are
/// committed only after the record is durable, so no row ever names bytes a crash could lose. A
/// crash after the flush but before 250 leaves a delivered message the sender will send again (a
/// duplicate, never a loss: RFC 5321 6.1); a failed commit marks the record refused instead.
/// </para>
/// <para>
/// Records go into one file at a time, which takes them until it holds <see cref="SpoolFiles.MaxFileBytes"/>
/// or the day changes (or a write fails). Its name was made durable ahead of time (an empty file
/// and one fsync of its directory), and its next <see cref="SpoolFiles.AllocationStep"/> bytes are written
/// with zeros and flushed ahead of the records, off the sessions' path: a record then overwrites
/// blocks whose allocation and size are durable already, so its flush (fdatasync) is the data
/// alone, with no journal commit of the file system. One thread writes at a time: a session that
/// finds nobody writing writes and flushes its own record on its own thread (no hand-over to
/// another thread and back, each a wake-up on a busy machine); the records that arrive meanwhile
/// are written by a pool thread as the next batch with one flush for all of them (group commit).
/// At most one thread is ever blocked in a flush. Bytes once acknowledged are never changed; only
/// a record whose rows could not be committed (the sender was told to retry) has its state byte
/// set to refused, so that no start delivers it after all.
/// </para>
/// <para>
/// The recovery mark (<see cref="Mark"/>) is the position before which every record has its rows
/// committed; <see cref="SpoolRecovery"/> stores it in the database every second while mail flows
/// (a durable write, which makes the journaled commits before it durable too), and a start reads
/// only the records after it.
/// </para>
/// </summary>
internal sealed partial class MessageSpool : IDisposable
{
    /// <summary>The spool's name in the database's <c>spool_marks</c>.</summary>
    public const string Name = "mail";

    private const int MaxBatch = 256;

    private readonly ConcurrentQueue<SpoolWrite> _queue = new();
    private readonly SpoolProgress _progress = new();
    private readonly Lock _start = new();
    private readonly ILogger<MessageSpool> _logger;
    private readonly SpoolFiles _files;
    private bool _started;
    private bool _disposed;

    // 1 while a thread writes or prepares files: _files is that thread's alone.
    private int _leading;
    private bool _preparationDue = true;

    public MessageSpool(IOptions<StorageOptions> storage, TimeProvider time, ILogger<MessageSpool> logger)
    {
        Root = Path.Combine(Path.GetFullPath(storage.Value.DataDir), "mail");
        _logger = logger;
        _files = new SpoolFiles(Root, time, logger);
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

            _files.Open();
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

        _files.Close();
    }

    private string FullPath(string file) => Path.Combine(Root, file);

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
                    _files.Prepare();
                    Volatile.Write(ref _preparationDue, false);
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
        try
        {
            var buffers = new List<ReadOnlyMemory<byte>>(batch.Count * 2);
            var starts = new long[batch.Count];
            long length = 0;
            for (var i = 0; i < batch.Count; i++)
            {
                starts[i] = length;
                buffers.Add(batch[i].Header);
                foreach (var segment in batch[i].Content)
                {
                    buffers.Add(segment);
                }

                length += batch[i].Header.Length + batch[i].Content.Length;
            }

            var (file, offset) = _files.Append(buffers, length);
            Volatile.Write(ref _preparationDue, _files.PreparationDue);
            var entries = _progress.Written([.. starts.Select(s => new SpoolMark(file, offset + s))], new SpoolMark(file, offset + length));
            for (var i = 0; i < batch.Count; i++)
            {
                var record = offset + starts[i];
                batch[i].Complete(new SpooledMessage(file, record + batch[i].Header.Length, batch[i].Content.Length, record, entries[i]));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing of the batch counts (and no later record follows it in its file).
            foreach (var write in batch)
            {
                write.Fail(e);
            }
        }
    }

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
