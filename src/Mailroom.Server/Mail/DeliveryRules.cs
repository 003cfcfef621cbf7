using Mailroom.Server.Directory;
using Mailroom.Server.Protocol;
using Mailroom.Server.Storage;

namespace Mailroom.Server.Mail;

/// <summary>
/// Where mail for an address goes (PROTOCOL.md §7.1, §6.9): a member's primary address or alias →
/// that member, unless disabled; a group → its enabled members, if the sender passes the group's
/// status; anything else in a hosted domain → no such mailbox; another domain → no relaying.
/// Applied at RCPT, and again at the end of DATA before the delivery is journaled (the directory
/// may have changed).
/// </summary>
internal static class DeliveryRules
{
    public static async Task<RecipientResolution> ResolveAsync(StoreSession session, string text, SmtpSender sender)
    {
        ArgumentNullException.ThrowIfNull(sender);
        if (!EmailAddress.TryNormalize(text, out var address, out var domain))
        {
            return RecipientResolution.Refused(SmtpRefusal.BadAddress(text));
        }

        var enterpriseId = await EnterpriseStore.DomainOwnerAsync(session, domain);
        if (enterpriseId is null)
        {
            return RecipientResolution.Refused(SmtpRefusal.NotHosted(domain));
        }

        var use = await AddressStore.FindUseAsync(session, address);
        if (use is null)
        {
            return RecipientResolution.Refused(SmtpRefusal.NoSuchMailbox(address));
        }

        if (use.Kind != AddressKind.Group)
        {
            var member = await MailStore.RecipientAsync(session, use.OwnerId);
            return member is null ? RecipientResolution.Refused(SmtpRefusal.NoSuchMailbox(address))
                : !member.Enabled ? RecipientResolution.Refused(SmtpRefusal.Disabled(address))
                : new RecipientResolution(address, [member], null);
        }

        var group = await GroupStore.FindForDeliveryAsync(session, address);
        if (group is null)
        {
            return RecipientResolution.Refused(SmtpRefusal.NoSuchMailbox(address));
        }

        if (!MaySend(group, sender.Member))
        {
            return RecipientResolution.Refused(SmtpRefusal.GroupRefused(address, group.Status));
        }

        // A disabled member of a group simply gets nothing; the group itself still accepts.
        var members = new List<MailRecipient>(group.MemberIds.Count);
        foreach (var id in group.MemberIds)
        {
            if (await MailStore.RecipientAsync(session, id) is { Enabled: true } member)
            {
                members.Add(member);
            }
        }

        return new RecipientResolution(address, members, null);
    }

    /// <summary>The group's status rule (PROTOCOL.md §6.9); only an authenticated member counts as a sender of the enterprise.</summary>
    public static bool MaySend(MailGroup group, AuthenticatedMember? sender)
    {
        ArgumentNullException.ThrowIfNull(group);
        return group.Status switch
        {
            MailGroupStatus.All => true,
            MailGroupStatus.Inner => sender is not null && sender.EnterpriseId == group.EnterpriseId,
            MailGroupStatus.Group => sender is not null && sender.EnterpriseId == group.EnterpriseId && group.MemberIds.Contains(sender.MemberId),
            MailGroupStatus.List => sender is not null && sender.EnterpriseId == group.EnterpriseId && group.AllowListIds.Contains(sender.MemberId),
            _ => false,
        };
    }
}

/// <summary>An envelope recipient resolved: the members it delivers to, or why it is refused.</summary>
internal sealed record RecipientResolution(string Address, IReadOnlyList<MailRecipient> Members, SmtpRefusal? Refusal)
{
    public static RecipientResolution Refused(SmtpRefusal refusal) => new("", [], refusal);
}
