using Mailroom.Server.Protocol;
using Mailroom.Server.Storage;

namespace Mailroom.Server.Admin;

/// <summary>Reading the operation log (操作记录, PROTOCOL.md §8), for the operator and the console.</summary>
internal sealed class OperationHistory(IDatabase database)
{
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
}
