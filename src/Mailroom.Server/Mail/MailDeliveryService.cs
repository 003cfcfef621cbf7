using System.Buffers;
using Mailroom.Contracts;
using Mailroom.Server.Protocol;
using Mailroom.Server.Storage;
using MimeKit;

namespace Mailroom.Server.Mail;

/// <summary>
/// Delivery of an accepted SMTP transaction (PROTOCOL.md §7.1): the raw message is flushed to disk,
/// then one transaction stores the message and every recipient's copy with their unread counts,
/// and only then are the new-mail events queued and 250 answered.
/// </summary>
internal sealed class MailDeliveryService(IDatabase database, MessageSpool spool, MailNotifier notifier, TimeProvider time)
{
    /// <summary>Where mail for <paramref name="address"/> would go now, or why it is refused (RCPT).</summary>
    public Task<RecipientResolution> ResolveAsync(string address, SmtpSender sender, CancellationToken cancellationToken) =>
        database.ReadAsync(session => DeliveryRules.ResolveAsync(session, address, sender), cancellationToken);

    /// <summary>
    /// Stores a message for its recipients; the copies delivered (none when every recipient has
    /// become invalid since RCPT). Throws when the message could not be stored: nothing of it is
    /// then visible, and the sender must try again.
    /// </summary>
    public async Task<IReadOnlyList<DeliveredCopy>> DeliverAsync(SmtpSender sender, IReadOnlyList<string> recipients, ReadOnlySequence<byte> raw, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(recipients);
        var received = time.GetUtcNow();

        // The library hands over the data without the CRLF that ends its last line (RFC 5321 4.1.1.4:
        // that CRLF belongs to the message, the terminator is only ".<CRLF>").
        var bytes = new byte[raw.Length + 2];
        raw.CopyTo(bytes);
        bytes[^2] = (byte)'\r';
        bytes[^1] = (byte)'\n';
        MessageContent content;
        using (var stream = new MemoryStream(bytes, writable: false))
        {
            try
            {
                content = MessageContent.Read(await MimeMessage.LoadAsync(stream, cancellationToken), sender.EnvelopeFrom);
            }
            catch (FormatException)
            {
                // Not MIME at all (no header block): still the sender's message, kept as it came.
                content = new MessageContent(sender.EnvelopeFrom, "", "", "");
            }
        }

        var spooled = await spool.StoreAsync(new ReadOnlySequence<byte>(bytes), received);

        // Not cancellable: the bytes are durable, and the rows that make them visible are one short
        // transaction. If it fails, or finds no recipient left, the bytes stay unreferenced (the file
        // may hold other messages of the same flush); a file nothing names is removed at the next start.
        var stored = await database.WriteAsync(
            session => StoreAsync(session, sender, recipients, new StoredMessage(spooled.File, spooled.Offset, spooled.Size, content.Sender, content.Recipients, content.Subject, content.Summary, received)),
            null,
            CancellationToken.None);
        var copies = stored.Value!;

        foreach (var copy in copies)
        {
            await notifier.NewMailAsync(
                copy.EnterpriseId,
                new NewMailEvent(copy.Member, copy.MailId, content.Sender, copy.Member, content.Subject, content.Summary, copy.NewCount),
                cancellationToken);
        }

        return copies;
    }

    private static async Task<Result<List<DeliveredCopy>>> StoreAsync(StoreSession session, SmtpSender sender, IReadOnlyList<string> recipients, StoredMessage message)
    {
        // A member reached through several recipients (an alias and a group) gets one copy.
        var targets = new Dictionary<long, (MailRecipient Member, string DeliveredTo)>();
        foreach (var recipient in recipients)
        {
            var resolution = await DeliveryRules.ResolveAsync(session, recipient, sender);
            foreach (var member in resolution.Members)
            {
                targets.TryAdd(member.Id, (member, resolution.Address));
            }
        }

        var copies = new List<DeliveredCopy>(targets.Count);
        if (targets.Count == 0)
        {
            return copies;
        }

        var messageId = await MailStore.InsertMessageAsync(session, message);
        foreach (var (member, deliveredTo) in targets.Values)
        {
            var mailId = MailIds.New();
            await MailStore.InsertMailAsync(session, mailId, member, messageId, deliveredTo, message.ReceivedAt);
            var count = await MailStore.AdjustUnreadAsync(session, member.Id, +1);
            copies.Add(new DeliveredCopy(member.EnterpriseId, member.Address, mailId, count));
        }

        return copies;
    }
}

/// <summary>One member's copy of a delivered message, and the member's inbox unread count after it.</summary>
internal sealed record DeliveredCopy(long EnterpriseId, string Member, string MailId, int NewCount);
