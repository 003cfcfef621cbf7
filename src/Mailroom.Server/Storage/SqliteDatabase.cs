using System.Collections.Concurrent;
using Mailroom.Server.Protocol;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Mailroom.Server.Storage;

/// <summary>
/// SQLite in WAL mode. SQLite has one writer at a time, so writes share one writer connection:
/// the first caller to find it free becomes the leader and runs every queued call in one
/// transaction, each call in its own savepoint (a call alone in its transaction needs none), on
/// its own thread.
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
/// <para>
/// Under <see cref="Durability.Normal"/> a write is answered before its commit: the statements of
/// each batch are appended to the <see cref="CallJournal"/> (one write to the OS, which a crash of
/// the process does not undo), the transaction stays open for later batches, and one commit takes
/// them all: when a read needs them (every read first commits what was answered before it), after
/// <see cref="StorageOptions.CommitDelayMilliseconds"/>, or past <see cref="MaxDeferredCalls"/>.
/// Whoever writes next after a crash replays the journal first. A call's after-commit actions run
/// once it is journaled.
/// </para>
/// </summary>
internal sealed partial class SqliteDatabase : IDatabase, IAsyncDisposable
{
    private const int MaxBatch = 256;

    /// <summary>Calls answered but not committed past which the next batch commits (bounds the journal).</summary>
    private const int MaxDeferredCalls = 1024;

    private readonly ConcurrentQueue<WriteItem> _writes = new();
    private readonly ConcurrentBag<PooledConnection> _readers = [];
    private readonly string _connectionString;
    private readonly ILogger<SqliteDatabase> _logger;
    private readonly PooledConnection _writer;
    private readonly SqliteCheckpointer _checkpointer;
    private readonly CallJournal _journal;
    private readonly DomainOwners _domainOwners = new();
    private readonly Timer? _commitTimer;
    private readonly TimeSpan _commitDelay;
    private int _leading;
    private bool _disposed;

    // The writer's transaction holds answered calls (set before their answers are released), or
    // the journal has not been looked at yet: a read must first have them committed.
    private int _uncommitted = 1;

    // Only the leader touches these: the writer's transaction is open, how many answered calls it
    // holds (a replayed journal record counts as one), the sequence number of the last journal
    // record, and whether the batch running now must commit (it replayed the journal to undo a call).
    private bool _open;
    private int _deferredCalls;
    private long _sequence;
    private bool _commitAfterBatch;

    // The journal holds nothing the database lacks: until then even a lone commit request opens a
    // transaction (which replays it).
    private bool _recovered;

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
        _journal = new CallJournal(storage.DatabasePath);
        _commitDelay = TimeSpan.FromMilliseconds(Math.Max(0, storage.CommitDelayMilliseconds));
        if (storage.Durability == Durability.Normal)
        {
            _commitTimer = new Timer(_ => _ = CommitLoggingFailureAsync(), null, Timeout.Infinite, Timeout.Infinite);
        }
    }

    private string Synchronous { get; }

    private bool Deferring => _commitTimer is not null;

    public async Task<T> ReadAsync<T>(Func<StoreSession, Task<T>> read, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Volatile.Read(ref _uncommitted) != 0)
        {
            await CommitAsync();
        }

        if (!_readers.TryTake(out var connection))
        {
            connection = Open();
        }

        var healthy = false;
        try
        {
            // A deferred transaction in WAL mode reads one snapshot from its first statement on.
            await connection.Command("BEGIN").ExecuteNonQueryAsync(cancellationToken);
            var result = await read(new StoreSession(connection, _domainOwners, writing: false));
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
        if (_commitTimer is not null)
        {
            await _commitTimer.DisposeAsync();
        }

        await CommitLoggingFailureAsync();
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
        _journal.Dispose();
        await _writer.DisposeAsync();
        while (_readers.TryTake(out var reader))
        {
            await reader.DisposeAsync();
        }
    }

    // Has every answered call committed (and a journal left by a crash replayed) before it returns.
    private async Task CommitAsync()
    {
        var commit = new CommitItem();
        _writes.Enqueue(commit);
        await LeadWhileWorkIsQueuedAsync();
        await commit.Completion;
    }

    private async Task CommitLoggingFailureAsync()
    {
        try
        {
            await CommitAsync();
        }
        catch (Exception e) when (e is SqliteException or InvalidOperationException or IOException)
        {
            LogDeferredCommitFailed(_logger, e);
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
        if (!_open && _recovered && batch.TrueForAll(item => item is CommitItem))
        {
            // Committed already (by the timer, or a read before this one).
            batch.ForEach(item => item.Complete());
            return;
        }

        var session = new StoreSession(_writer, _domainOwners, writing: true);
        var deferring = Deferring;

        // Once the batch's record is in the journal its calls stand, committed now or replayed later.
        var journaled = false;
        Exception? commitFailure = null;
        try
        {
            try
            {
                if (!_open)
                {
                    await BeginAsync(session, relaxed: batch.TrueForAll(item => item.Journaled));
                }

                session.Recording = deferring ? [] : null;
                foreach (var item in batch)
                {
                    await RunOneAsync(session, item, alone: batch.Count == 1);
                }

                if (deferring)
                {
                    if (session.Recording!.Count > 0)
                    {
                        _journal.Append(_sequence + 1, session.Recording);
                        _sequence++;
                    }

                    journaled = true;
                    Defer(batch.Count);
                    _open = true;
                    Volatile.Write(ref _uncommitted, 1);
                }

                if (!deferring || _deferredCalls >= MaxDeferredCalls || _commitAfterBatch || _disposed || batch.Exists(item => item is CommitItem))
                {
                    await CommitOpenTransactionAsync(session, deferring ? _deferredCalls : batch.Count);
                }
            }
            catch
            {
                // Calls answered earlier in this transaction are in the journal: the next transaction,
                // even one opened only to commit for a read, replays them.
                await RollBackQuietlyAsync(session);
                _open = false;
                _recovered = false;
                _commitAfterBatch = false;
                throw;
            }
        }
        catch (Exception e)
        {
            // Whatever went wrong, every caller in the batch gets an outcome: none waits forever.
            LogCommitFailed(_logger, e, batch.Count);
            if (!journaled)
            {
                // Nothing of the batch happened, so every call is refused.
                foreach (var item in batch)
                {
                    item.Fail(e);
                }

                return;
            }

            commitFailure = e;
        }

        foreach (var action in session.TakeAfterCommit())
        {
            action();
        }

        foreach (var item in batch)
        {
            if (commitFailure is not null && item is CommitItem)
            {
                item.Fail(commitFailure);
            }
            else
            {
                item.Complete();
            }
        }
    }

    // Opens the writer's transaction. Whatever the journal holds past the database's mark was
    // answered but not committed, by a writer that died or by this one before it rolled back to undo
    // a call: it is replayed first, in order.
    private async Task BeginAsync(StoreSession session, bool relaxed)
    {
        var recovered = _recovered;
        if (relaxed != _writerRelaxed)
        {
            // Outside any transaction, where SQLite applies it to the next commit.
            await session.ExecuteAsync(relaxed ? "PRAGMA synchronous=NORMAL" : "PRAGMA synchronous=" + Synchronous);
            _writerRelaxed = relaxed;
        }

        await session.ExecuteAsync("BEGIN IMMEDIATE");
        _open = true;
        _deferredCalls = 0;
        var mark = await session.ScalarAsync<long?>("SELECT sequence FROM journal_mark WHERE id = 1") ?? 0;
        _sequence = mark;
        var pending = _journal.Read(mark);
        _recovered = true;
        if (pending.Count == 0)
        {
            return;
        }

        // Replayed statements are in the journal already: the batch's own record must not repeat them.
        var recording = session.Recording;
        session.Recording = null;
        try
        {
            foreach (var record in pending)
            {
                foreach (var statement in record.Statements)
                {
                    await session.ExecuteAsync(statement.Sql, statement.Arguments);
                }
            }

            _sequence = pending[^1].Sequence;
            await WriteMarkAsync(session);
        }
        finally
        {
            session.Recording = recording;
        }

        if (Deferring)
        {
            Defer(pending.Count);
        }

        if (!recovered)
        {
            LogReplayed(_logger, pending.Count, _journal.Path);
        }
    }

    // Counts calls answered before their commit; the first of a transaction starts the commit delay.
    private void Defer(int calls)
    {
        if (_deferredCalls == 0)
        {
            _commitTimer!.Change(_commitDelay, Timeout.InfiniteTimeSpan);
        }

        _deferredCalls += calls;
    }

    private async Task CommitOpenTransactionAsync(StoreSession session, int calls)
    {
        if (Deferring)
        {
            await WriteMarkAsync(session);
        }

        await session.ExecuteAsync("COMMIT");
        _open = false;
        _deferredCalls = 0;
        _commitAfterBatch = false;
        Volatile.Write(ref _uncommitted, 0);
        _checkpointer.Committed(calls);
    }

    private Task<int> WriteMarkAsync(StoreSession session) =>
        session.ExecuteAsync(
            "INSERT INTO journal_mark (id, sequence) VALUES (1, @s) ON CONFLICT (id) DO UPDATE SET sequence = excluded.sequence",
            ("@s", _sequence));

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

    // A call of a batch of several runs in its own savepoint. A call alone in its batch (the common
    // path) runs without one, two statements fewer and no page copies into a statement journal: its
    // undo rolls the transaction back and opens it again, which replays any answered calls it held
    // from the call journal. A call refused before it changed anything needs no undo at all.
    private async Task RunOneAsync(StoreSession session, WriteItem item, bool alone)
    {
        var keep = session.AfterCommitCount;
        var recorded = session.Recording?.Count ?? 0;
        var changes = session.Changes;
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
            await UndoAsync(session, keep, recorded, alone);
            item.Fault(e);
            return;
        }

        if (error is not null && alone && session.Changes == changes)
        {
            session.DiscardAfterCommit(keep);
        }
        else if (error is not null)
        {
            await UndoAsync(session, keep, recorded, alone);
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

    // Alone, the call's undo rolls the transaction back and opens a fresh one for its log line,
    // with the answered calls replayed; the batch then commits, so the next undo replays little.
    private async Task UndoAsync(StoreSession session, int keep, int recorded, bool alone)
    {
        if (alone)
        {
            await session.ExecuteAsync("ROLLBACK");
            _open = false;
            await BeginAsync(session, _writerRelaxed);
            _commitAfterBatch = _deferredCalls > 0;
        }
        else
        {
            await session.ExecuteAsync("ROLLBACK TO call");
            await session.ExecuteAsync("RELEASE call");
        }

        session.DiscardAfterCommit(keep);
        session.Recording?.RemoveRange(recorded, session.Recording.Count - recorded);
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "A write transaction of {Calls} calls failed to commit")]
    private static partial void LogCommitFailed(ILogger logger, Exception exception, int calls);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "Answered calls could not be committed; the next write replays them from the call journal")]
    private static partial void LogDeferredCommitFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Replayed {Records} call-journal records left uncommitted by a stopped writer ({Journal})")]
    private static partial void LogReplayed(ILogger logger, int records, string journal);

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

    // Asks the leader to commit the writer's open transaction; changes nothing itself.
    private sealed class CommitItem() : WriteItem(journaled: false)
    {
        private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Completion => _completion.Task;

        public override Task<ProtocolError?> RunAsync(StoreSession session) => Task.FromResult<ProtocolError?>(null);

        public override OperationRecord? Operation(ProtocolError? error) => null;

        public override void Complete() => _completion.TrySetResult();

        public override void Fault(Exception exception) => _completion.TrySetException(exception);

        public override void Fail(Exception exception) => _completion.TrySetException(exception);
    }
}
