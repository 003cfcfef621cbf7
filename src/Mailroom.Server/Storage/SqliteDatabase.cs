using System.Collections.Concurrent;
using Mailroom.Server.Protocol;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Mailroom.Server.Storage;

/// <summary>
/// SQLite in WAL mode. SQLite has one writer at a time, so writes share one writer connection:
/// the first caller to find it free becomes the leader and runs every queued call in one
/// transaction, each call in its own savepoint (a call alone needs none), on its own thread.
/// Concurrent calls thus share one commit (one fsync) while a refused call still changes nothing,
/// and an uncontended call runs without a thread hop. Reads use a pool of connections, each read in its own snapshot.
/// Transactions use plain BEGIN/COMMIT statements, prepared once per connection; the log is
/// copied into the database file in the background (<see cref="SqliteCheckpointer"/>).
/// <para>
/// A batch made only of journaled calls (<see cref="WriteJournaledAsync"/>) commits with
/// synchronous=NORMAL even under <see cref="Durability.Full"/>: no fsync of the log. In WAL mode
/// that commit survives a crash of the process, and the log is a sequence, so the next fsynced
/// commit (or checkpoint) makes it durable together with itself.
/// </para>
/// </summary>
internal sealed partial class SqliteDatabase : IDatabase, IAsyncDisposable
{
    private const int MaxBatch = 256;

    private readonly ConcurrentQueue<WriteItem> _writes = new();
    private readonly ConcurrentBag<PooledConnection> _readers = [];
    private readonly string _connectionString;
    private readonly ILogger<SqliteDatabase> _logger;
    private readonly PooledConnection _writer;
    private readonly SqliteCheckpointer _checkpointer;
    private int _leading;
    private bool _disposed;

    // The writer connection's synchronous setting now: relaxed for a batch of journaled calls only.
    private bool _writerRelaxed;

    public SqliteDatabase(IOptions<StorageOptions> options, ILogger<SqliteDatabase> logger)
    {
        var storage = options.Value;
        DataDirectory.Create(Path.GetDirectoryName(storage.DatabasePath)!);
        _logger = logger;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = storage.DatabasePath,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString();
        Synchronous = storage.Durability == Durability.Full ? "FULL" : "NORMAL";
        _writer = Open();
        using var schema = _writer.Connection.CreateCommand();
        schema.CommandText = SchemaScript.Text;
        schema.ExecuteNonQuery();
        _checkpointer = new SqliteCheckpointer(OpenConnection(), logger);
    }

    private string Synchronous { get; }

    public async Task<T> ReadAsync<T>(Func<StoreSession, Task<T>> read, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_readers.TryTake(out var connection))
        {
            connection = Open();
        }

        var healthy = false;
        try
        {
            // A deferred transaction in WAL mode reads one snapshot from its first statement on.
            await connection.Command("BEGIN").ExecuteNonQueryAsync(cancellationToken);
            var result = await read(new StoreSession(connection));
            await connection.Command("COMMIT").ExecuteNonQueryAsync(cancellationToken);
            healthy = true;
            return result;
        }
        finally
        {
            if (healthy)
            {
                _readers.Add(connection);
            }
            else
            {
                await connection.DisposeAsync();
            }
        }
    }

    public async Task<Result<T>> WriteAsync<T>(Func<StoreSession, Task<Result<T>>> work, Func<ProtocolError?, OperationRecord>? operation, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed, this);
        var item = new WriteItem<T>(work, operation, journaled: false);
        _writes.Enqueue(item);
        await LeadWhileWorkIsQueuedAsync();
        return await item.Completion;
    }

    public async Task<Result<T>> WriteJournaledAsync<T>(Func<StoreSession, Task<Result<T>>> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed, this);
        var item = new WriteItem<T>(work, null, journaled: Synchronous == "FULL");
        _writes.Enqueue(item);
        await LeadWhileWorkIsQueuedAsync();
        return await item.Completion;
    }

    public async ValueTask DisposeAsync()
    {
        // The container disposes this instance once for each service type it is registered as.
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await LeadWhileWorkIsQueuedAsync();
        // Taking the writer for good: a call that slipped past the disposed check fails with it.
        while (Interlocked.CompareExchange(ref _leading, 1, 0) != 0)
        {
            await Task.Yield();
        }

        while (_writes.TryDequeue(out var stranded))
        {
            stranded.Fail(new ObjectDisposedException(nameof(SqliteDatabase)));
        }

        _checkpointer.Dispose();
        await _writer.DisposeAsync();
        while (_readers.TryTake(out var reader))
        {
            await reader.DisposeAsync();
        }
    }

    // Whoever finds the writer free runs batches until the queue is empty. A call queued while the
    // leader works is either taken by one of its batches or, once the leader lets go and looks at
    // the queue again, by the next leader: the queue is re-checked after every release.
    private async Task LeadWhileWorkIsQueuedAsync()
    {
        var batch = new List<WriteItem>();
        while (!_writes.IsEmpty && Interlocked.CompareExchange(ref _leading, 1, 0) == 0)
        {
            try
            {
                while (batch.Count < MaxBatch && _writes.TryDequeue(out var item))
                {
                    batch.Add(item);
                }

                if (batch.Count > 0)
                {
                    await RunBatchAsync(batch);
                }
            }
            finally
            {
                batch.Clear();
                Volatile.Write(ref _leading, 0);
            }
        }
    }

    private PooledConnection Open() => new(OpenConnection());

    private SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragmas = connection.CreateCommand();
        pragmas.CommandText = $"PRAGMA journal_mode=WAL; PRAGMA synchronous={Synchronous}; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=OFF; PRAGMA wal_autocheckpoint=0;";
        pragmas.ExecuteNonQuery();
        return connection;
    }

    private async Task RunBatchAsync(List<WriteItem> batch)
    {
        IReadOnlyList<Action> afterCommit;
        var session = new StoreSession(_writer);
        try
        {
            var relaxed = batch.TrueForAll(item => item.Journaled);
            if (relaxed != _writerRelaxed)
            {
                // Outside any transaction, where SQLite applies it to the next commit.
                await session.ExecuteAsync(relaxed ? "PRAGMA synchronous=NORMAL" : "PRAGMA synchronous=" + Synchronous);
                _writerRelaxed = relaxed;
            }

            await session.ExecuteAsync("BEGIN IMMEDIATE");
            try
            {
                foreach (var item in batch)
                {
                    await RunOneAsync(session, item, alone: batch.Count == 1);
                }

                await session.ExecuteAsync("COMMIT");
            }
            catch
            {
                await RollBackQuietlyAsync(session);
                throw;
            }

            afterCommit = session.TakeAfterCommit();
            _checkpointer.Committed();
        }
        catch (Exception e) when (e is SqliteException or InvalidOperationException or IOException)
        {
            // The batch could not commit: nothing of it happened, so every call is refused.
            LogCommitFailed(_logger, e, batch.Count);
            foreach (var item in batch)
            {
                item.Fail(e);
            }

            return;
        }

        foreach (var action in afterCommit)
        {
            action();
        }

        foreach (var item in batch)
        {
            item.Complete();
        }
    }

    private static async Task RollBackQuietlyAsync(StoreSession session)
    {
        try
        {
            await session.ExecuteAsync("ROLLBACK");
        }
        catch (SqliteException)
        {
            // SQLite already rolled back (e.g. after an I/O error); nothing is left to undo.
        }
    }

    // Each call runs in its own savepoint, except a call alone in its transaction (two statements
    // fewer on the common path), whose undo is the whole transaction's.
    private static async Task RunOneAsync(StoreSession session, WriteItem item, bool alone)
    {
        var keep = session.AfterCommitCount;
        if (!alone)
        {
            await session.ExecuteAsync("SAVEPOINT call");
        }

        ProtocolError? error;
        try
        {
            error = await item.RunAsync(session);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A fault in one call undoes that call only; the others in the batch go on.
            await UndoAsync(session, keep, alone);
            item.Fault(e);
            return;
        }

        if (error is not null)
        {
            await UndoAsync(session, keep, alone);
        }
        else if (!alone)
        {
            await session.ExecuteAsync("RELEASE call");
        }

        if (item.Operation(error) is { } record)
        {
            await OperationStore.AppendAsync(session, record);
        }
    }

    // Alone, the call's undo rolls the transaction back and opens a fresh one for its log line.
    private static async Task UndoAsync(StoreSession session, int keep, bool alone)
    {
        if (alone)
        {
            await session.ExecuteAsync("ROLLBACK");
            await session.ExecuteAsync("BEGIN IMMEDIATE");
        }
        else
        {
            await session.ExecuteAsync("ROLLBACK TO call");
            await session.ExecuteAsync("RELEASE call");
        }

        session.DiscardAfterCommit(keep);
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "A write transaction of {Calls} calls failed to commit")]
    private static partial void LogCommitFailed(ILogger logger, Exception exception, int calls);

    private abstract class WriteItem(bool journaled)
    {
        /// <summary>The caller keeps its own durable journal of the change: the commit need not be fsynced.</summary>
        public bool Journaled { get; } = journaled;

        public abstract Task<ProtocolError?> RunAsync(StoreSession session);

        public abstract OperationRecord? Operation(ProtocolError? error);

        public abstract void Complete();

        public abstract void Fault(Exception exception);

        public abstract void Fail(Exception exception);
    }

    private sealed class WriteItem<T>(Func<StoreSession, Task<Result<T>>> work, Func<ProtocolError?, OperationRecord>? operation, bool journaled) : WriteItem(journaled)
    {
        private readonly TaskCompletionSource<Result<T>> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private Result<T> _result;
        private Exception? _fault;

        public Task<Result<T>> Completion => _completion.Task;

        public override async Task<ProtocolError?> RunAsync(StoreSession session)
        {
            _result = await work(session);
            return _result.Error;
        }

        public override OperationRecord? Operation(ProtocolError? error) => operation?.Invoke(error);

        public override void Complete()
        {
            if (_fault is not null)
            {
                _completion.TrySetException(_fault);
            }
            else
            {
                _completion.TrySetResult(_result);
            }
        }

        public override void Fault(Exception exception) => _fault = exception;

        public override void Fail(Exception exception) => _completion.TrySetException(exception);
    }
}
