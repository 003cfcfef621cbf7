using Mailroom.Contracts;
using Mailroom.Server.Push;

namespace Mailroom.Server.Mail;

/// <summary>
/// Hands mailbox events to Push (<see cref="IMailboxEvents"/>), always after the change is durable.
/// A failure to queue an event is logged and goes no further: the change itself stands, and
/// turning it into an SMTP error would only make the sender deliver the message twice.
/// </summary>
internal sealed partial class MailNotifier(IMailboxEvents events, ILogger<MailNotifier> logger)
{
    public async ValueTask NewMailAsync(long enterpriseId, NewMailEvent mail, CancellationToken cancellationToken)
    {
        try
        {
            await events.NewMailAsync(enterpriseId, mail, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogEventFailed(logger, e, mail.UserName);
        }
    }

    public async ValueTask UnreadCountChangedAsync(long enterpriseId, UnreadCountEvent count, CancellationToken cancellationToken)
    {
        try
        {
            await events.UnreadCountChangedAsync(enterpriseId, count, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogEventFailed(logger, e, count.UserName);
        }
    }

    [LoggerMessage(EventId = 6101, Level = LogLevel.Error, Message = "A mailbox event for {Member} could not be queued")]
    private static partial void LogEventFailed(ILogger logger, Exception exception, string member);
}
