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
}
