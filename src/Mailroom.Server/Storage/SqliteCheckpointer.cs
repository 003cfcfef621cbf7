using Microsoft.Data.Sqlite;

namespace Mailroom.Server.Storage;

/// <summary>
/// Copies the write-ahead log into the database file on its own connection and thread, so that a
/// writing call never waits for a checkpoint (SQLite's automatic checkpoint runs inside the commit
/// that crosses its threshold: thousands of page writes and one or two fsyncs on that call's time).
/// </summary>
/// <remarks>
/// Checkpoints are PASSIVE: they never block the writer or readers. If a steady stream of commits
/// keeps one from ever catching up, the log would only grow; past <see cref="HardLimitFrames"/> a
/// RESTART checkpoint briefly holds writers back, copies everything and lets the log start over.
/// </remarks>
internal sealed partial class SqliteCheckpointer : IDisposable
{
    /// <summary>Committed calls between checkpoints: about SQLite's default of 1,000 log pages for our writes.</summary>
    public const int CallsPerCheckpoint = 128;

    /// <summary>≈ 80 MiB of 4 KiB pages.</summary>
    public const long HardLimitFrames = 20_000;

    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _due = new(0, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Thread _thread;
    private readonly ILogger _logger;
    private int _callsSinceSignal;

    public SqliteCheckpointer(SqliteConnection connection, ILogger logger)
    {
        _connection = connection;
        _logger = logger;
        _thread = new Thread(Run) { IsBackground = true, Name = "SQLite checkpointer" };
        _thread.Start();
    }

    /// <summary>Called by the writer after each commit, with the number of calls it held; cheap, never blocks.</summary>
    public void Committed(int calls)
    {
        if (Interlocked.Add(ref _callsSinceSignal, calls) < CallsPerCheckpoint)
        {
            return;
        }

        Volatile.Write(ref _callsSinceSignal, 0);
        if (_due.CurrentCount == 0)
        {
            try
            {
                _due.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled by a racing commit: one checkpoint covers both.
            }
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _thread.Join();
        _connection.Dispose();
        _due.Dispose();
        _stopping.Dispose();
    }

    private void Run()
    {
        try
        {
            while (true)
            {
                _due.Wait(_stopping.Token);
                Checkpoint();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: the writer's connection checkpoints what is left when it closes.
        }
    }

    private void Checkpoint()
    {
        try
        {
            if (Run("PASSIVE") > HardLimitFrames)
            {
                Run("RESTART");
            }
        }
        catch (SqliteException e)
        {
            // A failed checkpoint loses nothing (the log still holds every commit); the next one retries.
            LogCheckpointFailed(_logger, e);
        }
    }

    // Returns the log's size in frames (the second column of wal_checkpoint's answer).
    private long Run(string mode)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"PRAGMA wal_checkpoint({mode})";
        using var reader = command.ExecuteReader();
        return reader.Read() ? reader.GetInt64(1) : 0;
    }

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "A background checkpoint of the SQLite log failed")]
    private static partial void LogCheckpointFailed(ILogger logger, Exception exception);
}
