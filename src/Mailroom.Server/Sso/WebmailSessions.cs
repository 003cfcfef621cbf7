using Mailroom.Server.Directory;
using Mailroom.Server.Protocol;
using Mailroom.Server.Storage;
using Microsoft.Extensions.Options;

namespace Mailroom.Server.Sso;

/// <summary>
/// Webmail sessions: started inside the transaction that signs a member in, checked against the
/// database on every request, and ended by logout or by any change that must end them.
/// </summary>
/// <remarks>
/// A session is valid only while its row exists, has not expired, and its member still exists in
/// the same enterprise, is enabled, and has the password it signed in with (the password stamp).
/// user/sync deletes a member's rows in the same transaction that deletes, disables or gives it a
/// new password, so the session is void at the next request; the member and stamp checks keep that
/// true for any other path that changes a member. The check is one indexed read per request and
/// no cache, so it is exact across processes and nodes.
/// </remarks>
internal sealed class WebmailSessions(IDatabase database, IOptionsMonitor<SsoOptions> options, TimeProvider time)
{
    public TimeSpan IdleTimeout => TimeSpan.FromMinutes(Math.Max(1, options.CurrentValue.SessionIdleMinutes));

    /// <summary>Starts a session for <paramref name="member"/> in the caller's write transaction.</summary>
    public async Task<WebmailSession> StartAsync(StoreSession session, MemberRow member, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(member);
        var started = WebmailSession.New(member.EnterpriseId, member.Id);
        await WebmailSessionStore.DeleteExpiredAsync(session, now);
        await WebmailSessionStore.InsertAsync(session, started.IdHash()!, member.Id, member.EnterpriseId, PasswordHasher.Stamp(member.PasswordHash), now, now + IdleTimeout);
        return started;
    }

    /// <summary>
    /// The member of a session that is still valid, and whether its expiry was just moved forward
    /// (then the cookie is renewed too); null when the session is void.
    /// </summary>
    public async Task<(SignedInMember Member, bool Extended)?> CheckAsync(WebmailSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (session.IdHash() is not { } idHash)
        {
            return null;
        }

        var row = await database.ReadAsync(s => WebmailSessionStore.FindAsync(s, idHash), cancellationToken);
        var now = time.GetUtcNow();
        if (row is null)
        {
            return null;
        }

        if (row.MemberId != session.MemberId
            || row.EnterpriseId != session.EnterpriseId
            || row.MemberEnterpriseId != session.EnterpriseId
            || row.OpenType != 1
            || row.ExpiresAt <= now
            || !string.Equals(row.PasswordStamp, PasswordHasher.Stamp(row.PasswordHash), StringComparison.Ordinal))
        {
            await WriteAsync(s => WebmailSessionStore.DeleteAsync(s, idHash), cancellationToken);
            return null;
        }

        // Sliding expiry: moved forward once half of the idle time has passed, not on every request.
        var extended = false;
        if (row.ExpiresAt - now < IdleTimeout / 2)
        {
            await WriteAsync(s => WebmailSessionStore.ExtendAsync(s, idHash, now + IdleTimeout), cancellationToken);
            extended = true;
        }

        return (new SignedInMember(row.MemberId, row.MemberEnterpriseId, row.Address, row.Name), extended);
    }

    /// <summary>Ends a session (logout); its cookie is worthless afterwards, also if copied.</summary>
    public Task EndAsync(WebmailSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.IdHash() is { } idHash
            ? WriteAsync(s => WebmailSessionStore.DeleteAsync(s, idHash), cancellationToken)
            : Task.CompletedTask;
    }

    private async Task WriteAsync(Func<StoreSession, Task> write, CancellationToken cancellationToken) =>
        await database.WriteAsync<Done>(
            async s =>
            {
                await write(s);
                return Done.Value;
            },
            operation: null,
            cancellationToken);
}
