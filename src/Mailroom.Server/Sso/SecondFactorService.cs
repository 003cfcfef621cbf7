using System.Net;
using System.Security.Cryptography;
using Mailroom.Server.Directory;
using Mailroom.Server.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Mailroom.Server.Sso;

/// <summary>What the code form shows: the member, and for a first sign-in the new authenticator's secret.</summary>
internal sealed record SecondFactorChallenge(string Address, byte[]? EnrolmentSecret, string? KeyUri);

/// <summary>
/// The second step of password sign-in for members whose second factor is on (user/openwxtoken,
/// PROTOCOL.md §6.10): a TOTP code (RFC 6238) from an authenticator app, which the member enrols at
/// the first such sign-in by scanning a QR code and entering one valid code.
/// </summary>
/// <remarks>
/// Secrets are stored encrypted with Data Protection, like interface keys. Each code is accepted
/// once: the step it belongs to is recorded in the transaction that starts the session, and only a
/// later step is accepted next time. Wrong codes count as failed sign-ins of the account.
/// </remarks>
internal sealed class SecondFactorService(
    IDatabase database,
    IDataProtectionProvider protection,
    WebmailSessions sessions,
    LoginThrottle throttle,
    TimeProvider time,
    IOptionsMonitor<SsoOptions> options,
    ILogger<SecondFactorService> logger)
{
    private readonly IDataProtector _secrets = protection.CreateProtector("Mailroom.Sso.TotpSecret");

    /// <summary>What to ask for; null when the pending sign-in no longer holds (start again).</summary>
    public async Task<SecondFactorChallenge?> ChallengeAsync(PendingSignIn pending, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pending);
        var (member, enrolment) = await database.ReadAsync(
            async session => (await MemberStore.FindByIdAsync(session, pending.MemberId), await TotpStore.FindAsync(session, pending.MemberId)),
            cancellationToken);
        if (!Holds(pending, member))
        {
            return null;
        }

        if (enrolment is not null)
        {
            return new SecondFactorChallenge(member!.Address, null, null);
        }

        return pending.EnrolmentSecret is { } secret
            ? new SecondFactorChallenge(member!.Address, secret, Totp.KeyUri(options.CurrentValue.TotpIssuer, member.Address, secret))
            : null;
    }

    public async Task<SignInOutcome> VerifyAsync(PendingSignIn pending, string? code, IPAddress? source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pending);
        var account = LoginThrottle.AccountKey(pending.MemberId);
        var sourceKey = LoginThrottle.SourceKey(source);
        if (throttle.RetryAfter(account, sourceKey) is { } wait)
        {
            SsoLog.Throttled(logger, source);
            return new SignInOutcome(SignInStatus.Throttled, RetryAfter: wait);
        }

        // Protected outside the transaction: it is only stored if this code enrols the member.
        var protectedEnrolment = pending.EnrolmentSecret is { } fresh ? _secrets.Protect(Base32.Encode(fresh)) : null;
        var result = await database.WriteAsync<(SignInOutcome Outcome, bool Enrolled)>(
            async session =>
            {
                var member = await MemberStore.FindByIdAsync(session, pending.MemberId);
                if (!Holds(pending, member))
                {
                    return (SignInOutcome.Restart, false);
                }

                var now = time.GetUtcNow();
                var enrolment = await TotpStore.FindAsync(session, member!.Id);
                if (enrolment is null && protectedEnrolment is null)
                {
                    return (SignInOutcome.Restart, false);
                }

                var secret = enrolment is null ? pending.EnrolmentSecret! : Unprotect(enrolment.SecretProtected);
                if (secret is null || Totp.Match(secret, code, now, enrolment?.LastStep ?? long.MinValue) is not { } step)
                {
                    return (SignInOutcome.Invalid, false);
                }

                if (enrolment is null)
                {
                    if (!await TotpStore.TryInsertAsync(session, member.Id, protectedEnrolment!, step, now))
                    {
                        return (SignInOutcome.Restart, false);
                    }
                }
                else if (!await TotpStore.TryUseStepAsync(session, member.Id, step))
                {
                    return (SignInOutcome.Invalid, false);
                }

                return (new SignInOutcome(SignInStatus.SignedIn, Session: await sessions.StartAsync(session, member, now)), enrolment is null);
            },
            operation: null,
            cancellationToken);

        var (outcome, enrolled) = result.Value;
        if (outcome.Status == SignInStatus.Invalid)
        {
            throttle.Fail(account, sourceKey);
            SsoLog.CodeRefused(logger, pending.MemberId, source);
        }
        else if (outcome.Status == SignInStatus.SignedIn)
        {
            throttle.Succeed(account);
            if (enrolled)
            {
                SsoLog.Enrolled(logger, pending.MemberId);
            }

            SsoLog.SignedIn(logger, pending.MemberId, pending.EnterpriseId, "password and authenticator code");
        }

        return outcome;
    }

    // The pending sign-in stands while its member is the same, enabled, with the same password, and
    // still required to give a second factor.
    private static bool Holds(PendingSignIn pending, MemberRow? member) =>
        member is { OpenType: 1, SecondFactor: true }
        && member.EnterpriseId == pending.EnterpriseId
        && string.Equals(PasswordHasher.Stamp(member.PasswordHash), pending.PasswordStamp, StringComparison.Ordinal);

    private byte[]? Unprotect(string stored)
    {
        try
        {
            return Base32.TryDecode(_secrets.Unprotect(stored), out var secret) ? secret : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
