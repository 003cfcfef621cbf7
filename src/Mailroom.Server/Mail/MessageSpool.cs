using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using Mailroom.Server.Storage;
using Microsoft.Extensions.Options;

namespace Mailroom.Server.Mail;

/// <summary>
/// The raw MIME of received messages, in files <c>&lt;DataDir&gt;/mail/&lt;yyyyMMdd&gt;/&lt;key&gt;.msg</c>
/// (the UTC day, a random 24-character key). Messages flushed together share one file, back to
/// back, and each message row says where its bytes are (file, offset, size); a message arriving
/// alone gets a file of its own. A file is written under <c>&lt;key&gt;.tmp</c>, fsynced, renamed,
/// and its directory fsynced before <see cref="StoreAsync"/> completes; only then are the rows that
/// name it committed, and only after that is 250 answered. Files are never changed once written.
/// A file no row names is an orphan of a crash (or of a delivery that found no recipient left)
/// and is removed at the next start (<see cref="RemoveOrphansAsync"/>).
/// <para>
/// One dedicated thread does the writing, so sessions never block pool threads on fsync, and the
/// messages that arrive while it flushes are written as the next batch: one file, one fsync, one
/// rename and one directory fsync for all of them (group commit).
/// </para>
/// <para>
/// When idle, the thread also creates a few empty files ahead of time and fsyncs their directory
/// once for all of them. A batch written into such a file needs no rename and no directory fsync:
/// its name is durable already, so one fsync makes the message durable (on ext4 the directory
/// fsync costs as much again as the file's). Unused ones are empty, unreferenced files: removed at
/// shutdown, at a change of day, or as orphans at the next start.
/// </para>
/// </summary>
internal sealed partial class MessageSpool : IDisposable
{
    private const int MaxBatch = 256;
    private const int PoolSize = 32;

    private readonly BlockingCollection<SpoolWrite> _queue = new();
    private readonly HashSet<string> _knownDirectories = new(StringComparer.Ordinal);
    private readonly Queue<string> _ready = new();
    private readonly TimeProvider _time;
    private string _readyDay = "";
    private readonly ILogger<MessageSpool> _logger;
    private readonly Lock _start = new();
    private Thread? _writer;

    public MessageSpool(IOptions<StorageOptions> storage, TimeProvider time, ILogger<MessageSpool> logger)
    {
        _time = time;
        Root = Path.Combine(Path.GetFullPath(storage.Value.DataDir), "mail");
        _logger = logger;
    }

    /// <summary>The directory holding the day directories.</summary>
    public string Root { get; }

    /// <summary>
    /// Writes a message durably; the file's name relative to <see cref="Root"/>. Not cancellable:
    /// the caller's buffer is in use until the write is done, so the caller always waits for it.
    /// </summary>
    public Task<SpooledMessage> StoreAsync(ReadOnlySequence<byte> content, DateTimeOffset receivedAt)
    {
        EnsureWriter();
        var day = receivedAt.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var write = new SpoolWrite(content, day);
        _queue.Add(write);
        return write.Completion.Task;
    }

    /// <summary>Reads a stored message into memory (messages are at most the SMTP size limit).</summary>
    public async Task<Stream> OpenReadAsync(string file, long offset, long size, CancellationToken cancellationToken)
    {
        var bytes = new byte[size];
        using var handle = File.OpenHandle(FullPath(file), FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
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

    /// <summary>
    /// Removes what a crash left behind: temporary files, and files no message row names. Only the
    /// two newest day directories can hold them (a crash interrupts the writes of its own day),
    /// so the start costs the same however much mail is stored.
    /// </summary>
    public async Task<int> RemoveOrphansAsync(Func<string, Task<bool>> isStored, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(isStored);
        if (!System.IO.Directory.Exists(Root))
        {
            return 0;
        }

        var removed = 0;
        var days = System.IO.Directory.GetDirectories(Root).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).TakeLast(2);
        foreach (var day in days)
        {
            foreach (var path in System.IO.Directory.GetFiles(Path.Combine(Root, day)))
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

    public void Dispose()
    {
        _queue.CompleteAdding();
        _writer?.Join();
        _queue.Dispose();
    }

    private string FullPath(string file) => Path.Combine(Root, file);

    private void EnsureWriter()
    {
        if (Volatile.Read(ref _writer) is not null)
        {
            return;
        }

        lock (_start)
        {
            if (_writer is null)
            {
                DataDirectory.Create(Root);
                var thread = new Thread(WriteLoop) { IsBackground = true, Name = "Mailroom message spool" };
                thread.Start();
                Volatile.Write(ref _writer, thread);
            }
        }
    }

    private void WriteLoop()
    {
        var batch = new List<SpoolWrite>();
        foreach (var first in _queue.GetConsumingEnumerable())
        {
            batch.Add(first);
            while (batch.Count < MaxBatch && _queue.TryTake(out var next))
            {
                batch.Add(next);
            }

            WriteBatch(batch);
            batch.Clear();
            if (_queue.Count == 0)
            {
                PrepareFiles();
            }
        }

        DiscardPrepared();
    }

    // Idle time: empty files for the next messages, their names made durable by one directory fsync.
    private void PrepareFiles()
    {
        var today = _time.GetUtcNow().UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        if (today != _readyDay)
        {
            DiscardPrepared();
            _readyDay = today;
        }

        if (_ready.Count >= PoolSize / 2)
        {
            return;
        }

        try
        {
            var directory = EnsureDirectory(today);
            var created = new List<string>();
            while (_ready.Count + created.Count < PoolSize)
            {
                var path = Path.Combine(directory, MailIds.New() + ".msg");
                File.Create(path, 1, FileOptions.None).Dispose();
                created.Add(path);
            }

            DirectorySync.Flush(directory);
            created.ForEach(_ready.Enqueue);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only an optimisation: batches fall back to a new file of their own.
            LogPrepareFailed(_logger, e);
        }
    }

    private void DiscardPrepared()
    {
        while (_ready.TryDequeue(out var path))
        {
            TryDelete(path);
        }
    }

    private void WriteBatch(List<SpoolWrite> batch)
    {
        // Normally one day; a batch that spans midnight writes one file per day.
        foreach (var day in batch.GroupBy(w => w.Day))
        {
            WriteFile(day.Key, [.. day]);
        }
    }

    private void WriteFile(string day, List<SpoolWrite> writes)
    {
        if (day == _readyDay && _ready.TryDequeue(out var prepared))
        {
            WritePrepared(day, prepared, writes);
            return;
        }

        var key = MailIds.New();
        string? temporary = null;
        string? final = null;
        try
        {
            var directory = EnsureDirectory(day);
            temporary = Path.Combine(directory, key + ".tmp");
            final = Path.Combine(directory, key + ".msg");
            var offsets = WriteAll(temporary, FileMode.CreateNew, writes);
            File.Move(temporary, final);
            temporary = null;
            DirectorySync.Flush(directory);
            var file = $"{day}/{key}.msg";
            for (var i = 0; i < writes.Count; i++)
            {
                writes[i].Complete(new SpooledMessage(file, offsets[i], writes[i].Content.Length));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing of the batch counts; whatever reached the disk is an orphan.
            TryDelete(temporary ?? final);
            foreach (var write in writes)
            {
                write.Fail(e);
            }
        }
    }

    private void WritePrepared(string day, string path, List<SpoolWrite> writes)
    {
        try
        {
            var offsets = WriteAll(path, FileMode.Open, writes);
            var file = $"{day}/{Path.GetFileName(path)}";
            for (var i = 0; i < writes.Count; i++)
            {
                writes[i].Complete(new SpooledMessage(file, offsets[i], writes[i].Content.Length));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(path);
            foreach (var write in writes)
            {
                write.Fail(e);
            }
        }
    }

    // Writes the messages back to back and fsyncs the file; the offset of each.
    private static long[] WriteAll(string path, FileMode mode, List<SpoolWrite> writes)
    {
        var offsets = new long[writes.Count];
        using var stream = new FileStream(path, mode, FileAccess.Write, FileShare.None, bufferSize: 64 * 1024);
        for (var i = 0; i < writes.Count; i++)
        {
            offsets[i] = stream.Position;
            foreach (var segment in writes[i].Content)
            {
                stream.Write(segment.Span);
            }
        }

        stream.Flush(flushToDisk: true);
        return offsets;
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

    private void TryDelete(string? path)
    {
        if (path is null)
        {
            return;
        }

        try
        {
            File.Delete(path);
        }
        catch (IOException e)
        {
            LogDeleteFailed(_logger, e, path);
        }
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "Could not remove the message file {File}; it is removed at the next start")]
    private static partial void LogDeleteFailed(ILogger logger, Exception exception, string file);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "Could not create message files ahead of time")]
    private static partial void LogPrepareFailed(ILogger logger, Exception exception);

    private sealed class SpoolWrite(ReadOnlySequence<byte> content, string day)
    {
        public ReadOnlySequence<byte> Content { get; } = content;

        public string Day { get; } = day;

        public TaskCompletionSource<SpooledMessage> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Complete(SpooledMessage stored) => Completion.TrySetResult(stored);

        public void Fail(Exception e) => Completion.TrySetException(e);
    }
}

/// <summary>Where a message's bytes are: a file under the spool root, an offset in it and a length.</summary>
internal sealed record SpooledMessage(string File, long Offset, long Size);
