using System.Globalization;
using Mailroom.Server.Storage;
using Microsoft.Win32.SafeHandles;

namespace Mailroom.Server.Mail;

/// <summary>
/// The message spool's files as its writer sees them (<see cref="MessageSpool"/> explains the
/// layout): the current file and where its records and its zeros end, the empty files prepared
/// for the next ones, and the sequence and day directory of the next. Not thread-safe: only the
/// thread holding the spool's lead uses it.
/// </summary>
internal sealed partial class SpoolFiles(string root, TimeProvider time, ILogger logger)
{
    /// <summary>A file takes no more records once it is this large (a larger message still goes in whole).</summary>
    public const long MaxFileBytes = 64L * 1024 * 1024;

    /// <summary>How far ahead of the records the current file is filled with zeros.</summary>
    public const int AllocationStep = 1024 * 1024;

    private const int PoolSize = 2;
    private static readonly byte[] Zeros = new byte[AllocationStep];

    private readonly HashSet<string> _knownDirectories = new(StringComparer.Ordinal);
    private readonly Queue<string> _ready = new();
    private long _nextSequence;
    private string _day = "";
    private string _readyDay = "";
    private SafeFileHandle? _current;
    private string _currentFile = "";
    private long _position;
    private long _allocated;

    /// <summary>Zeros to write ahead, or files to prepare: work for <see cref="Prepare"/>, off the sessions' path.</summary>
    public bool PreparationDue { get; private set; } = true;

    /// <summary>Continues the sequence of the files on disk, in a day no earlier than theirs.</summary>
    public void Open()
    {
        DataDirectory.Create(root);
        ContinueSequence();
    }

    /// <summary>
    /// Writes <paramref name="buffers"/> (<paramref name="length"/> bytes) after the current
    /// file's last record and flushes them: the file, and the offset they start at.
    /// </summary>
    /// <exception cref="IOException">Nothing written counts; the file takes no more records.</exception>
    public (string File, long Offset) Append(IReadOnlyList<ReadOnlyMemory<byte>> buffers, long length)
    {
        long start = -1;
        try
        {
            var handle = CurrentFile();
            start = _position;

            // One gathered write, then the data flushed: within the zeros written ahead, no metadata.
            RandomAccess.Write(handle, buffers, start);
            FileSync.Data(handle);
            _position = start + length;
            if (_allocated - _position < AllocationStep / 2)
            {
                PreparationDue = true;
            }

            return (_currentFile, start);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            AbandonCurrent(start);
            throw;
        }
    }

    /// <summary>Zeros ahead of the records, and empty files for the next rotations.</summary>
    public void Prepare()
    {
        PreparationDue = false;
        Extend();
        PrepareFiles();
    }

    /// <summary>Closes the current file (its unused zeros cut) and removes the prepared ones.</summary>
    public void Close()
    {
        CloseCurrent();
        DiscardPrepared();
    }

    private void ContinueSequence()
    {
        foreach (var day in SpoolJournal.Days(root).Reverse())
        {
            if (_day.Length == 0)
            {
                _day = day;
            }

            var sequences = System.IO.Directory.EnumerateFiles(Path.Combine(root, day)).Select(p => SpoolJournal.Sequence(Path.GetFileName(p))).OfType<long>().ToList();
            if (sequences.Count > 0)
            {
                _nextSequence = sequences.Max() + 1;
                return;
            }
        }
    }

    // The current file's next blocks written with zeros and flushed, so that records overwrite
    // blocks whose allocation and size are durable already and their flush is the data alone.
    // Unused zeros are cut at a clean close; a start's reading stops at them.
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
            LogPrepareFailed(logger, e);
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
            PreparationDue = true;
            _current = File.OpenHandle(Path.Combine(root, file), FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
            _currentFile = file;
            _position = 0;
            _allocated = 0;
        }

        return _current;
    }

    /// <summary>Today (UTC), unless the clock went back: a new file never goes into a day before the last one's.</summary>
    private string NextDay()
    {
        var today = time.GetUtcNow().UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
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

    // Empty files for the next rotations, their names made durable by one directory fsync.
    private void PrepareFiles()
    {
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
            LogPrepareFailed(logger, e);
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
            LogTruncateFailed(logger, e, _currentFile);
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
            LogTruncateFailed(logger, e, _currentFile);
        }

        _current.Dispose();
        _current = null;
    }

    // A new day directory is itself a new name in Root: Root is synced before any file in it counts.
    private string EnsureDirectory(string day)
    {
        var directory = Path.Combine(root, day);
        if (_knownDirectories.Contains(directory))
        {
            return directory;
        }

        if (!System.IO.Directory.Exists(directory))
        {
            DataDirectory.Create(directory);
            DirectorySync.Flush(root);
        }

        _knownDirectories.Add(directory);
        return directory;
    }

    private void TryDelete(string file)
    {
        try
        {
            File.Delete(Path.Combine(root, file));
        }
        catch (IOException e)
        {
            LogDeleteFailed(logger, e, file);
        }
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "Could not remove the message file {File}; an empty one is removed at the next start")]
    private static partial void LogDeleteFailed(ILogger logger, Exception exception, string file);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "Could not prepare message files ahead of time")]
    private static partial void LogPrepareFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Warning, Message = "Could not cut the message file {File} after its last record; a start's reading stops at what follows unless it is a complete record")]
    private static partial void LogTruncateFailed(ILogger logger, Exception exception, string file);
}
