using System.Net;
using Mailroom.Server.Auth;
using Mailroom.Server.Directory;
using Mailroom.Server.Protocol;
using Mailroom.Server.Storage;

namespace Mailroom.Server.Sso;

/// <summary>The parameters of a one-click login link (PROTOCOL.md §7.4).</summary>
internal sealed record OneClickRequest(string Fun, string Method, string Agent, string User, string Ticket, IPAddress? Source);

/// <summary>Why a one-click login link was refused; for the log only, the browser is told just that the link is no longer valid.</summary>
internal enum OneClickRefusal
{
    /// <summary>fun or method is not the single sign-on call's, or agent, user or ticket is missing or malformed.</summary>
    Malformed,

    /// <summary>No such key: never issued, already used, or voided (member deleted, disabled, new password; client key regenerated).</summary>
    UnknownOrUsed,

    Expired,

    /// <summary>agent is not the client the key was issued to.</summary>
    WrongAgent,

    /// <summary>user is no address of the member the key was issued for.</summary>
    WrongUser,

    Disabled,
}

/// <summary>
/// One-click login (PROTOCOL.md §7.4): exchanges a mail/authkey ticket for a webmail session.
/// </summary>
/// <remarks>
/// The ticket is taken out of the store by the same statement that finds it, and the checks and the
/// new session are in that transaction: of concurrent requests with one ticket exactly one can
/// succeed, and a ticket presented with all parameters is used up whether or not it was accepted
/// (whoever holds a ticket also holds the rest of its link, so a refusal is no reason to keep it).
/// The second factor of user/openwxtoken is not asked for: the enterprise's portal, which asked for
/// the ticket, vouches for the member (§6.10).
/// </remarks>
internal sealed class OneClickLoginService(IDatabase database, ClientRegistry clients, WebmailSessions sessions, TimeProvider time, ILogger<OneClickLoginService> logger)
{
    public const string Fun = "bizopenssologin";
    public const string Method = "bizauth";

    /// <summary>The session the link starts; null when the link is not (or no longer) valid.</summary>
    public async Task<WebmailSession?> SignInAsync(OneClickRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var keyHash = AuthKeys.HashOf(request.Ticket);
        if (!string.Equals(request.Fun, Fun, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(request.Method, Method, StringComparison.OrdinalIgnoreCase)
            || request.Agent.Length == 0
            || request.User.Length == 0
            || keyHash is null)
        {
            return Refused(request, OneClickRefusal.Malformed);
        }

        // A ticket that is not there needs no write (and a stream of made-up tickets no disk flushes).
        if (await database.ReadAsync(session => AuthKeyStore.FindAsync(session, keyHash), cancellationToken) is null)
        {
            return Refused(request, OneClickRefusal.UnknownOrUsed);
        }

        var client = clients.ByClientId(request.Agent);
        var user = EmailAddress.TryNormalize(request.User, out var normalized) ? normalized : null;
        var outcome = await database.WriteAsync<(WebmailSession? Session, OneClickRefusal Refusal, long EnterpriseId)>(
            async session =>
            {
                var key = await AuthKeyStore.ConsumeAsync(session, keyHash);
                var now = time.GetUtcNow();
                if (key is null)
                {
                    return (null, OneClickRefusal.UnknownOrUsed, 0);
                }

                if (key.ExpiresAt <= now)
                {
                    return (null, OneClickRefusal.Expired, 0);
                }

                if (client is null || client.Key != key.ClientKey)
                {
                    return (null, OneClickRefusal.WrongAgent, 0);
                }

                // The key is bound to a member; any of its addresses names it (mail/authkey takes aliases too).
                var member = user is null ? null : await MemberStore.FindAsync(session, client.EnterpriseId, user);
                if (member is null || member.Id != key.MemberId)
                {
                    return (null, OneClickRefusal.WrongUser, 0);
                }

                if (member.OpenType != 1)
                {
                    return (null, OneClickRefusal.Disabled, 0);
                }

                return (await sessions.StartAsync(session, member, now), default, member.EnterpriseId);
            },
            operation: null,
            cancellationToken);

        var (started, refusal, enterpriseId) = outcome.Value;
        if (started is null)
        {
            return Refused(request, refusal);
        }

        SsoLog.SignedIn(logger, started.MemberId, enterpriseId, "one-click");
        return started;
    }

    private WebmailSession? Refused(OneClickRequest request, OneClickRefusal refusal)
    {
        SsoLog.OneClickRefused(logger, refusal, request.Agent, request.Source);
        return null;
    }
}
