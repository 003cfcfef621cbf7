using System.Runtime.CompilerServices;
using Mailroom.Server.Protocol;
using Mailroom.Server.Storage;

namespace Mailroom.Server.Admin;

/// <summary>Reading the operation log (操作记录, PROTOCOL.md §8), for the operator and the console.</summary>
internal sealed class OperationHistory(IDatabase database)
{
    private const int ExportChunk = 1000;

    /// <summary>
    /// Operations matching <paramref name="query"/>, newest first. With <paramref name="clientId"/>,
    /// only that client's enterprise: its calls, and the refused token requests that claimed it.
    /// </summary>
    public Task<Result<List<StoredOperation>>> ListAsync(string? clientId, OperationQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return database.ReadAsync<Result<List<StoredOperation>>>(
            async session =>
            {
                if (clientId is not null)
                {
                    var client = await ClientStore.FindAsync(session, clientId.Trim());
                    if (client is null)
                    {
                        return AdminErrors.UnknownClient(clientId);
                    }

                    query = query with { EnterpriseId = client.EnterpriseId, ClientId = client.ClientId };
                }

                return await OperationStore.ListAsync(session, query);
            },
            cancellationToken);
    }

    /// <summary>
    /// One console page of the signed-in administrator's enterprise, newest first: the page before
    /// <see cref="OperationQuery.BeforeSeq"/>, or with <paramref name="afterSeq"/> the page just newer
    /// than it; with the number of lines the filters match.
    /// </summary>
    public Task<(List<StoredOperation> Page, long Matching)> PageAsync(AdminSession admin, OperationQuery query, long? afterSeq, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(admin);
        ArgumentNullException.ThrowIfNull(query);
        var scoped = Scope(admin, query);
        return database.ReadAsync(
            async session => (
                afterSeq is { } after ? await OperationStore.ListNewerAsync(session, scoped, after) : await OperationStore.ListAsync(session, scoped),
                await OperationStore.CountAsync(session, scoped)),
            cancellationToken);
    }

    /// <summary>One line of the administrator's enterprise; null for a line of any other.</summary>
    public Task<StoredOperation?> FindAsync(AdminSession admin, long seq, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(admin);
        return database.ReadAsync(session => OperationStore.FindAsync(session, admin.EnterpriseId, admin.ClientId, seq), cancellationToken);
    }

    /// <summary>
    /// Every line matching the filters, newest first, read in chunks. Lines written after the first
    /// chunk was read are not included, so the set is the one matching when the export began.
    /// </summary>
    public async IAsyncEnumerable<StoredOperation> AllAsync(AdminSession admin, OperationQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(admin);
        ArgumentNullException.ThrowIfNull(query);
        var scoped = Scope(admin, query) with { BeforeSeq = null, Limit = ExportChunk };
        while (true)
        {
            var chunk = await database.ReadAsync(session => OperationStore.ListAsync(session, scoped), cancellationToken);
            foreach (var operation in chunk)
            {
                yield return operation;
            }

            if (chunk.Count < ExportChunk)
            {
                yield break;
            }

            scoped = scoped with { BeforeSeq = chunk[^1].Seq };
        }
    }

    private static OperationQuery Scope(AdminSession admin, OperationQuery query) =>
        query with { EnterpriseId = admin.EnterpriseId, ClientId = admin.ClientId };
}
