using Mailroom.Server.Protocol;
using Mailroom.Server.Storage;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Mailroom.Server.Mail;

/// <summary>
/// MAIL FROM and RCPT TO (PROTOCOL.md §7.1): a refused recipient gets its own 4xx/5xx with the
/// reason, and the session continues. While the server stops, a new transaction gets 421.
/// </summary>
internal sealed class SmtpMailboxFilter(MailDeliveryService delivery, IDatabase database, SmtpDrain drain, Microsoft.Extensions.Options.IOptionsMonitor<SmtpOptions> options) : IMailboxFilter
{
    public async Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (drain.IsDraining)
        {
            throw Refuse(SmtpRefusal.ShuttingDown, quit: true);
        }

        SmtpSessionState.SetRecipients(context, 0);
        if (SmtpSessionState.IsSubmission(context) && SmtpSessionState.Member(context) is { } member)
        {
            // A member submits mail as themselves: the envelope sender is one of their addresses.
            var address = from?.AsAddress() ?? "";
            if (!EmailAddress.TryNormalize(address, out var normalized) || !await IsOwnAddressAsync(normalized, member, cancellationToken))
            {
                throw Refuse(SmtpRefusal.SenderNotOwned(address.Length == 0 ? "<>" : address), quit: false);
            }
        }

        return true;
    }

    public async Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(to);
        var limit = options.CurrentValue.MaxRecipients;
        var accepted = SmtpSessionState.Recipients(context);
        if (accepted >= limit)
        {
            throw Refuse(SmtpRefusal.TooManyRecipients(limit), quit: false);
        }

        var sender = new SmtpSender(from?.AsAddress() ?? "", SmtpSessionState.Member(context));
        var resolution = await delivery.ResolveAsync(to.AsAddress() ?? "", sender, cancellationToken);
        if (resolution.Refusal is { } refusal)
        {
            throw Refuse(refusal, quit: false);
        }

        SmtpSessionState.SetRecipients(context, accepted + 1);
        return true;
    }

    public static SmtpResponseException Refuse(SmtpRefusal refusal, bool quit) =>
        new(new SmtpResponse((SmtpReplyCode)refusal.Code, refusal.Text), quit);

    private Task<bool> IsOwnAddressAsync(string address, AuthenticatedMember member, CancellationToken cancellationToken) =>
        database.ReadAsync(
            async session => await AddressStore.FindUseAsync(session, address) is { Kind: AddressKind.Member or AddressKind.Alias } use && use.OwnerId == member.MemberId,
            cancellationToken);
}
