using System.Buffers;
using Mailroom.Contracts;
using Mailroom.Server.Protocol;
using Mailroom.Server.Storage;
using MimeKit;

namespace Mailroom.Server.Mail;

/// <summary>
/// Delivery of an accepted SMTP transaction (PROTOCOL.md §7.1): the recipients are resolved, the
/// delivery is journaled with its raw message in the spool and flushed (from then on it is
/// accepted: <see cref="MessageSpool"/>), one transaction stores the message and every
/// recipient's copy with their unread counts, and only then are the new-mail events queued and
/// 250 answered. That transaction is not flushed itself: the journal is what survives a power
/// loss, and <see cref="SpoolRecovery"/> writes the same rows from it (<see cref="ApplyAsync"/>).
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

        // Again, as at RCPT: the directory may have changed since.
        var targets = await database.ReadAsync(session => TargetsAsync(session, sender, recipients), cancellationToken);
        if (targets.Count == 0)
        {
            return [];
        }

        var record = new SpoolRecord(
            received,
            sender.EnvelopeFrom,
            content.Sender,
            content.Recipients,
            content.Subject,
            content.Summary,
            [.. targets.Select(t => new SpoolCopy(MailIds.New(), t.Member.Id, t.Member.EnterpriseId, t.Member.Address, t.DeliveredTo))]);
        var spooled = await spool.StoreAsync(record, new ReadOnlySequence<byte>(bytes));

        // Not cancellable: the delivery is durable, and the rows that make it visible are one short
        // transaction. If it fails, or finds no recipient left, the record is marked refused, so
        // that no start delivers the message the sender is told to send again.
        List<DeliveredCopy> copies;
        try
        {
            copies = (await database.WriteJournaledAsync(session => ApplyAsync(session, record, spooled.File, spooled.Offset, spooled.Size), CancellationToken.None)).Value!;
        }
        catch
        {
            spool.Refuse(spooled);
            throw;
        }

        if (copies.Count == 0)
        {
            spool.Refuse(spooled);
            return copies;
        }

        spool.Committed(spooled);
        foreach (var copy in copies)
        {
            await notifier.NewMailAsync(
                copy.EnterpriseId,
                new NewMailEvent(copy.Member, copy.MailId, content.Sender, copy.Member, content.Subject, content.Summary, copy.NewCount),
                cancellationToken);
        }

        return copies;
    }

    /// <summary>
    /// The rows of a journaled delivery: the message, and each copy under the MailId the journal
    /// gave it, with the member's unread count. A member deleted since gets nothing. Used for the
    /// delivery itself and to replay it from the journal after a power loss.
    /// </summary>
    public static async Task<Result<List<DeliveredCopy>>> ApplyAsync(StoreSession session, SpoolRecord record, string file, long offset, long size)
    {
        ArgumentNullException.ThrowIfNull(record);
        var copies = new List<DeliveredCopy>(record.Copies.Count);
        long? messageId = null;
        foreach (var copy in record.Copies)
        {
            var member = await MailStore.RecipientAsync(session, copy.MemberId);
            if (member is null || member.EnterpriseId != copy.EnterpriseId)
            {
                continue;
            }

            messageId ??= await MailStore.InsertMessageAsync(
                session,
                new StoredMessage(file, offset, size, record.Sender, record.Recipients, record.Subject, record.Summary, record.ReceivedAt));
            await MailStore.InsertMailAsync(session, copy.MailId, member, messageId.Value, copy.DeliveredTo, record.ReceivedAt);
            var count = await MailStore.AdjustUnreadAsync(session, member.Id, +1);
            copies.Add(new DeliveredCopy(member.EnterpriseId, member.Address, copy.MailId, count));
        }

        return copies;
    }

    // A member reached through several recipients (an alias and a group) gets one copy.
    private static async Task<List<(MailRecipient Member, string DeliveredTo)>> TargetsAsync(StoreSession session, SmtpSender sender, IReadOnlyList<string> recipients)
    {
        var targets = new Dictionary<long, (MailRecipient Member, string DeliveredTo)>();
        foreach (var recipient in recipients)
        {
            var resolution = await DeliveryRules.ResolveAsync(session, recipient, sender);
            foreach (var member in resolution.Members)
            {
                targets.TryAdd(member.Id, (member, resolution.Address));
            }
        }

        return [.. targets.Values];
    }
}

/// <summary>One member's copy of a delivered message, and the member's inbox unread count after it.</summary>
internal sealed record DeliveredCopy(long EnterpriseId, string Member, string MailId, int NewCount);
