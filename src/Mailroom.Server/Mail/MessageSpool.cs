using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using Mailroom.Server.Storage;
using Microsoft.Extensions.Options;

namespace Mailroom.Server.Mail;

/// <summary>
/// The raw MIME of received messages, one file per message:
/// <c>&lt;DataDir&gt;/mail/&lt;yyyyMMdd&gt;/&lt;key&gt;.eml</c> (the UTC day it arrived, a random
/// 24-character key). A file is written under <c>&lt;key&gt;.tmp</c>, fsynced, renamed, and its
/// directory fsynced before <see cref="StoreAsync"/> completes; only then is the message row that
/// names it committed, and only after that is 250 answered. A file without a row is an orphan of
/// a crash between the two and is removed at the next start (<see cref="RemoveOrphansAsync"/>).
/// Files are never changed once written.
/// <para>
/// One dedicated thread does the writing, so sessions never block pool threads on fsync, and
/// messages arriving while it flushes are written as one batch: their files are fsynced
/// back to back (the first journal commit carries the others) and each directory once.
/// </para>
/// </summary>
internal sealed partial class MessageSpool : IDisposable
{
    private const int MaxBatch = 256;

    private readonly BlockingCollection<SpoolWrite> _queue = new();
    private readonly HashSet<string> _knownDirectories = new(StringComparer.Ordinal);
    private readonly ILogger<MessageSpool> _logger;
    private readonly Lock _start = new();
    private Thread? _writer;

    public MessageSpool(IOptions<StorageOptions> storage, ILogger<MessageSpool> logger)
    {
        Root = Path.Combine(Path.GetFullPath(storage.Value.DataDir), "mail");
        _logger = logger;
    }

    /// <summary>The directory holding the day directories.</summary>
    public string Root { get; }

    /// <summary>
    /// Writes a message durably; the file's name relative to <see cref="Root"/>. Not cancellable:
    /// the caller's buffer is in use until the write is done, so the caller always waits for it.
    /// </summary>
    public Task<string> StoreAsync(ReadOnlySequence<byte> content, DateTimeOffset receivedAt)
    {
        EnsureWriter();
        var day = receivedAt.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var write = new SpoolWrite(content, day, MailIds.New());
        _queue.Add(write);
        return write.Completion.Task;
    }

    /// <summary>Opens a stored message for reading.</summary>
    public Stream OpenRead(string file) =>
        new FileStream(FullPath(file), FileMode.Open, FileAccess.Read, FileShare.Read, 16 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);

    /// <summary>Removes a file whose message row was never committed. A crash before this leaves an orphan for the next start.</summary>
    public void Delete(string file)
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
        }
    }

    private void WriteBatch(List<SpoolWrite> batch)
    {
        var open = new List<(SpoolWrite Write, FileStream Stream)>(batch.Count);
        foreach (var write in batch)
        {
            try
            {
                var directory = EnsureDirectory(write.Day);
                var stream = new FileStream(Path.Combine(directory, write.Key + ".tmp"), FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
                open.Add((write, stream));
                foreach (var segment in write.Content)
                {
                    stream.Write(segment.Span);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                write.Fail(e);
            }
        }

        var directories = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (write, stream) in open)
        {
            var temporary = stream.Name;
            try
            {
                using (stream)
                {
                    stream.Flush(flushToDisk: true);
                }

                File.Move(temporary, Path.ChangeExtension(temporary, ".eml"));
                directories.Add(Path.GetDirectoryName(temporary)!);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                TryDelete(temporary);
                write.Fail(e);
            }
        }

        Exception? flushFailure = null;
        foreach (var directory in directories)
        {
            try
            {
                DirectorySync.Flush(directory);
            }
            catch (IOException e)
            {
                flushFailure = e;
            }
        }

        foreach (var (write, stream) in open)
        {
            if (write.Completion.Task.IsCompleted)
            {
                continue;
            }

            if (flushFailure is not null)
            {
                TryDelete(Path.ChangeExtension(stream.Name, ".eml"));
                write.Fail(flushFailure);
            }
            else
            {
                write.Complete($"{write.Day}/{write.Key}.eml");
            }
        }
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

    private void TryDelete(string path)
    {
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

    private sealed class SpoolWrite(ReadOnlySequence<byte> content, string day, string key)
    {
        public ReadOnlySequence<byte> Content { get; } = content;

        public string Day { get; } = day;

        public string Key { get; } = key;

        public TaskCompletionSource<string> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Complete(string file) => Completion.TrySetResult(file);

        public void Fail(Exception e) => Completion.TrySetException(e);
    }
}
