using Mailroom.Server.Protocol;

namespace Mailroom.Server.Storage;

/// <summary>
/// Transactions over Mailroom's database. Every write is one atomic call: a refused result rolls
/// back everything the call did (consuming no version), and the call's operation-log line is
/// written in the same transaction.
/// </summary>
internal interface IDatabase
{
    /// <summary>Runs <paramref name="read"/> on a consistent snapshot.</summary>
    Task<T> ReadAsync<T>(Func<StoreSession, Task<T>> read, CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> in a write transaction. When it returns an error its changes are
    /// rolled back; either way <paramref name="operation"/>, if given, is appended to the log.
    /// The returned task completes once the outcome is durable.
    /// </summary>
    Task<Result<T>> WriteAsync<T>(Func<StoreSession, Task<Result<T>>> work, Func<ProtocolError?, OperationRecord>? operation, CancellationToken cancellationToken);

    /// <summary>
    /// Like <see cref="WriteAsync"/>, for a caller that has already made the change durable in a
    /// journal of its own and replays that journal at start (the message spool,
    /// Mail/MessageSpool.cs): the returned task may complete before the outcome is durable. The
    /// outcome is visible to every later read and survives a crash of the process; a power loss
    /// may undo it, together with every later write, back to the last durable one. Every durable
    /// write makes the journaled ones committed before it durable too.
    /// </summary>
    Task<Result<T>> WriteJournaledAsync<T>(Func<StoreSession, Task<Result<T>>> work, CancellationToken cancellationToken) =>
        WriteAsync(work, null, cancellationToken);
}
