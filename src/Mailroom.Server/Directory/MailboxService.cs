using System.Globalization;
using Mailroom.Contracts;
using Mailroom.Server.Protocol;
using Mailroom.Server.Storage;
using Microsoft.Extensions.Options;

namespace Mailroom.Server.Directory;

/// <summary>mail/newcount (PROTOCOL.md §7.2) and mail/authkey (§7.3).</summary>
internal sealed class MailboxService(IDatabase database, IOptionsMonitor<AuthKeyOptions> options, TimeProvider time)
{
    /// <summary>The unread count of a member's inbox, as a digit string.</summary>
    public Task<Result<NewCountResponse>> NewCountAsync(ApiCaller caller, string alias, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (alias.Length == 0)
        {
            return Task.FromResult<Result<NewCountResponse>>(ProtocolErrors.Missing("alias"));
        }

        return database.ReadAsync<Result<NewCountResponse>>(
            async session =>
            {
                var member = await FindMailboxAsync(session, caller.EnterpriseId, alias);
                return member is null
                    ? ProtocolErrors.MailboxNotFound
                    : new NewCountResponse(member.Address, member.UnreadCount.ToString(CultureInfo.InvariantCulture));
            },
            cancellationToken);
    }

    /// <summary>
    /// Issues a single-use login key for a member, bound to the calling client. Only its hash is
    /// stored; the key itself exists only in the response.
    /// </summary>
    public Task<Result<AuthKeyResponse>> IssueAuthKeyAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var caller = request.RequireCaller();
        var alias = request.Parameters.Get("alias");
        if (alias.Length == 0)
        {
            return Task.FromResult<Result<AuthKeyResponse>>(ProtocolErrors.Missing("alias"));
        }

        var (key, hash) = AuthKeys.Generate();
        var lifetime = TimeSpan.FromSeconds(Math.Max(1, options.CurrentValue.AuthKeyLifetimeSeconds));
        return database.WriteAsync<AuthKeyResponse>(
            async session =>
            {
                var member = await FindMailboxAsync(session, caller.EnterpriseId, alias);
                if (member is null)
                {
                    return ProtocolErrors.MailboxNotFound;
                }

                if (member.OpenType == 2)
                {
                    return ProtocolErrors.UserDisabled;
                }

                var now = time.GetUtcNow();
                await AuthKeyStore.DeleteExpiredForMemberAsync(session, member.Id, now);
                await AuthKeyStore.InsertAsync(session, hash, caller.ClientKey, member.Id, now + lifetime);
                return new AuthKeyResponse(key, key);
            },
            error => request.ToOperation(time.GetUtcNow(), OperationRecord.ResultOf(error)),
            cancellationToken);
    }

    // An address that is malformed or outside the enterprise's domains names no mailbox of the
    // caller's: mailbox_not_found, the code published clients handle for these calls.
    private static async Task<MemberRow?> FindMailboxAsync(StoreSession session, long enterpriseId, string alias)
    {
        var address = await DirectoryRules.ResolveAddressAsync(session, enterpriseId, alias, "alias");
        return address.IsError ? null : await MemberStore.FindAsync(session, enterpriseId, address.Value!);
    }
}
