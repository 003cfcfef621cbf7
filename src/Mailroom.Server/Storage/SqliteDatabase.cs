using System.Collections.Concurrent;
using System.Threading.Channels;
using Mailroom.Server.Protocol;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Mailroom.Server.Storage;

/// <summary>
/// SQLite in WAL mode. SQLite has one writer at a time, so writes go through a single writer
/// connection that takes every queued call into one transaction, each call in its own savepoint:
/// concurrent calls share one commit (one fsync) while a refused call still changes nothing.
/// Reads use a pool of connections, each read in its own snapshot transaction.
/// </summary>
internal sealed partial class SqliteDatabase : IDatabase, IAsyncDisposable
{
    private const int MaxBatch = 256;

    private readonly Channel<WriteItem> _writes = Channel.CreateUnbounded<WriteItem>(new() { SingleReader = true });
    private readonly ConcurrentBag<PooledConnection> _readers = [];
    private readonly string _connectionString;
    private readonly ILogger<SqliteDatabase> _logger;
    private readonly Task _writerLoop;
    private readonly PooledConnection _writer;

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
        using (var schema = _writer.Connection.CreateCommand())
        {
            schema.CommandText = SchemaScript.Text;
            schema.ExecuteNonQuery();
        }

        _writerLoop = Task.Run(WriteLoopAsync);
    }

    private string Synchronous { get; }

    public async Task<T> ReadAsync<T>(Func<StoreSession, Task<T>> read, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!_readers.TryTake(out var connection))
        {
            connection = Open();
        }

        var healthy = false;
        try
        {
            // A deferred transaction in WAL mode reads one snapshot from its first statement on.
            await using var transaction = ((SqliteConnection)connection.Connection).BeginTransaction(deferred: true);
            var result = await read(new StoreSession(connection, transaction));
            await transaction.CommitAsync(cancellationToken);
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

    public Task<Result<T>> WriteAsync<T>(Func<StoreSession, Task<Result<T>>> work, Func<ProtocolError?, OperationRecord>? operation, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var item = new WriteItem<T>(work, operation);
        if (!_writes.Writer.TryWrite(item))
        {
            return Task.FromResult<Result<T>>(ProtocolErrors.TemporarilyUnavailable);
        }

        return item.Completion;
    }

    public async ValueTask DisposeAsync()
    {
        _writes.Writer.TryComplete();
        await _writerLoop;
        await _writer.DisposeAsync();
        while (_readers.TryTake(out var reader))
        {
            await reader.DisposeAsync();
        }
    }

    private PooledConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragmas = connection.CreateCommand();
        pragmas.CommandText = $"PRAGMA journal_mode=WAL; PRAGMA synchronous={Synchronous}; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=OFF;";
        pragmas.ExecuteNonQuery();
        return new PooledConnection(connection);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<WriteItem>(MaxBatch);
        while (await _writes.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _writes.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            await RunBatchAsync(batch);
            batch.Clear();
        }
    }

    private async Task RunBatchAsync(List<WriteItem> batch)
    {
        IReadOnlyList<Action> afterCommit;
        try
        {
            await using var transaction = ((SqliteConnection)_writer.Connection).BeginTransaction(deferred: false);
            var session = new StoreSession(_writer, transaction);
            foreach (var item in batch)
            {
                await RunOneAsync(session, item);
            }

            await transaction.CommitAsync();
            afterCommit = session.TakeAfterCommit();
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

    private static async Task RunOneAsync(StoreSession session, WriteItem item)
    {
        var keep = session.AfterCommitCount;
        await session.ExecuteAsync("SAVEPOINT call");
        try
        {
            var error = await item.RunAsync(session);
            if (error is not null)
            {
                await session.ExecuteAsync("ROLLBACK TO call");
                session.DiscardAfterCommit(keep);
            }

            await session.ExecuteAsync("RELEASE call");
            if (item.Operation(error) is { } record)
            {
                await OperationStore.AppendAsync(session, record);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A fault in one call undoes that call only; the others in the batch go on.
            await session.ExecuteAsync("ROLLBACK TO call");
            await session.ExecuteAsync("RELEASE call");
            session.DiscardAfterCommit(keep);
            item.Fault(e);
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "A write transaction of {Calls} calls failed to commit")]
    private static partial void LogCommitFailed(ILogger logger, Exception exception, int calls);

    private abstract class WriteItem
    {
        public abstract Task<ProtocolError?> RunAsync(StoreSession session);

        public abstract OperationRecord? Operation(ProtocolError? error);

        public abstract void Complete();

        public abstract void Fault(Exception exception);

        public abstract void Fail(Exception exception);
    }

    private sealed class WriteItem<T>(Func<StoreSession, Task<Result<T>>> work, Func<ProtocolError?, OperationRecord>? operation) : WriteItem
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
