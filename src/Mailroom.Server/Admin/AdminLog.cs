using Mailroom.Server.Protocol;
using Mailroom.Server.Storage;

namespace Mailroom.Server.Admin;

/// <summary>Writes console actions that change nothing in the database (sign-ins, refused password checks) to the operation log.</summary>
internal sealed class AdminLog(IDatabase database, TimeProvider time)
{
    public Task RecordAsync(AdminActor actor, long? enterpriseId, string clientId, string endpoint, RequestParameters parameters, ProtocolError? error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return database.WriteAsync(
            static _ => Task.FromResult(Result<Done>.Ok(Done.Value)),
            _ => actor.Record(time.GetUtcNow(), enterpriseId, clientId, endpoint, parameters, error),
            cancellationToken);
    }
}
