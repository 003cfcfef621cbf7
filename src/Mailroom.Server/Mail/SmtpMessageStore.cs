using System.Buffers;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Mailroom.Server.Mail;

/// <summary>
/// End of DATA: the message is stored durably for every recipient before 250 is answered
/// (PROTOCOL.md §7.1). Durable means its spool record — the raw message with the delivery's
/// MailIds and members — is flushed (one fsync, shared by concurrent sessions); the database rows
/// are committed right after without a flush of their own, because a start replays them from the
/// spool should a power loss take them (<see cref="MessageSpool"/>, <see cref="SpoolRecovery"/>).
/// By the time 250 goes out the rows are committed, so mail/newcount, webmail and the new-mail
/// event already show the message. Any failure to store it answers 451, so the sender tries
/// again; nothing of it is then visible, and its record is marked refused. This is the SMTP
/// session's boundary for storing: faults are logged here, once, and their text never reaches
/// the peer.
/// </summary>
internal sealed partial class SmtpMessageStore(MailDeliveryService delivery, Microsoft.Extensions.Options.IOptionsMonitor<SmtpOptions> options, ILogger<SmtpMessageStore> logger) : IMessageStore
{
    public async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(transaction);
        var limit = options.CurrentValue.MaxMessageBytes;
        if (buffer.Length > limit)
        {
            return Response(SmtpRefusal.TooLarge(limit));
        }

        var sender = new SmtpSender(transaction.From?.AsAddress() ?? "", SmtpSessionState.Member(context));
        var recipients = transaction.To.Select(to => to.AsAddress() ?? "").ToList();
        try
        {
            var copies = await delivery.DeliverAsync(sender, recipients, buffer, cancellationToken);
            if (copies.Count == 0)
            {
                return Response(SmtpRefusal.NoRecipientLeft);
            }

            LogAccepted(logger, buffer.Length, sender.EnvelopeFrom, copies.Count, context.Properties[SmtpSessionState.RemoteEndPointKey]);
            return new SmtpResponse(SmtpReplyCode.Ok, $"2.0.0 Message accepted for {copies.Count} mailbox(es)");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            LogStoreFailed(logger, e, sender.EnvelopeFrom, context.Properties[SmtpSessionState.RemoteEndPointKey]);
            return Response(SmtpRefusal.StoreFailed);
        }
    }

    private static SmtpResponse Response(SmtpRefusal refusal) => new((SmtpReplyCode)refusal.Code, refusal.Text);

    [LoggerMessage(EventId = 6301, Level = LogLevel.Information, Message = "Accepted a message of {Size} bytes from <{Sender}> for {Copies} mailbox(es), client {Client}")]
    private static partial void LogAccepted(ILogger logger, long size, string sender, int copies, object client);

    [LoggerMessage(EventId = 6302, Level = LogLevel.Error, Message = "A message from <{Sender}> could not be stored (client {Client}); answered 451")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, string sender, object client);
}
