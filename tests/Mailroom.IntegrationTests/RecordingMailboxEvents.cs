using System.Collections.Concurrent;
using Mailroom.Contracts;
using Mailroom.Server.Push;

namespace Mailroom.IntegrationTests;

/// <summary>
/// Stands in for Push in the mail tests: records every event the mail path hands over, with its
/// enterprise, so tests can assert exact fields. (Push's real queue and /openapi/listen are built
/// on another branch; once merged, these assertions move to real listen requests.)
/// </summary>
public sealed class RecordingMailboxEvents : IMailboxEvents
{
    private readonly ConcurrentQueue<(long EnterpriseId, object Event)> _events = new();

    ValueTask IMailboxEvents.NewMailAsync(long enterpriseId, NewMailEvent mail, CancellationToken cancellationToken)
    {
        _events.Enqueue((enterpriseId, mail));
        return ValueTask.CompletedTask;
    }

    ValueTask IMailboxEvents.UnreadCountChangedAsync(long enterpriseId, UnreadCountEvent count, CancellationToken cancellationToken)
    {
        _events.Enqueue((enterpriseId, count));
        return ValueTask.CompletedTask;
    }

    /// <summary>The events of one enterprise, in the order they were handed over.</summary>
    public IReadOnlyList<object> Of(long enterpriseId) => _events.Where(e => e.EnterpriseId == enterpriseId).Select(e => e.Event).ToList();
}
