using Mailroom.Server.Protocol;
using Mailroom.Server.Storage;

namespace Mailroom.Server.Auth;

/// <summary>Writes refused calls to the operation log; successful writes log themselves in their transaction.</summary>
internal sealed class OperationLog(IDatabase database, TimeProvider time)
{
    public Task RecordRefusalAsync(ApiRequest request, ProtocolError error) =>
        database.WriteAsync(
            static _ => Task.FromResult(Result<Done>.Ok(Done.Value)),
            _ => request.ToOperation(time.GetUtcNow(), OperationRecord.ResultOf(error)),
            CancellationToken.None);
}
