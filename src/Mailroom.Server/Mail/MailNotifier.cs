using Mailroom.Contracts;
using Mailroom.Server.Push;

namespace Mailroom.Server.Mail;

/// <summary>
/// Hands mailbox events to Push (<see cref="IMailboxEvents"/>), always after the change is durable.
/// A failure to queue an event is logged and goes no further: the change itself stands, and
/// turning it into an SMTP error would only make the sender deliver the message twice.
/// </summary>
internal sealed partial class MailNotifier
{
    private readonly IMailboxEvents? _events;
    private readonly ILogger<MailNotifier> _logger;

    // Push is resolved when present rather than required, so that the mail path runs (and its
    // crash test starts the real executable) in a build that has no Push feature; the start is
    // logged as a warning then (MailExtensions).
    public MailNotifier(IServiceProvider services, ILogger<MailNotifier> logger)
    {
        _events = services.GetService<IMailboxEvents>();
        _logger = logger;
    }

    public bool IsConnected => _events is not null;

    public async ValueTask NewMailAsync(long enterpriseId, NewMailEvent mail, CancellationToken cancellationToken)
    {
        if (_events is null)
        {
            return;
        }

        try
        {
            await _events.NewMailAsync(enterpriseId, mail, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogEventFailed(_logger, e, mail.UserName);
        }
    }

    public async ValueTask UnreadCountChangedAsync(long enterpriseId, UnreadCountEvent count, CancellationToken cancellationToken)
    {
        if (_events is null)
        {
            return;
        }

        try
        {
            await _events.UnreadCountChangedAsync(enterpriseId, count, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogEventFailed(_logger, e, count.UserName);
        }
    }

    [LoggerMessage(EventId = 6101, Level = LogLevel.Error, Message = "A mailbox event for {Member} could not be queued")]
    private static partial void LogEventFailed(ILogger logger, Exception exception, string member);
}
