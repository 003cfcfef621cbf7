using System.Text.Json;
using Mailroom.Contracts;

namespace Mailroom.Server.Push;

/// <summary>
/// The mail path's way into push (PROTOCOL.md §5, §7.1): each event is encoded once, then goes
/// through the notifier to every node's online clients of the enterprise.
/// </summary>
internal sealed class MailboxEvents(IPushNotifier notifier) : IMailboxEvents
{
    public ValueTask NewMailAsync(long enterpriseId, NewMailEvent mail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mail);
        return notifier.PublishEventAsync(enterpriseId, JsonSerializer.SerializeToUtf8Bytes(mail, ContractsJsonContext.Default.NewMailEvent), cancellationToken);
    }

    public ValueTask UnreadCountChangedAsync(long enterpriseId, UnreadCountEvent count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(count);
        return notifier.PublishEventAsync(enterpriseId, JsonSerializer.SerializeToUtf8Bytes(count, ContractsJsonContext.Default.UnreadCountEvent), cancellationToken);
    }
}
