using System.Net;
using Mailroom.Server.Directory;
using Mailroom.Server.Protocol;
using Mailroom.Server.Storage;

namespace Mailroom.Server.Sso;

/// <summary>
/// Webmail sign-in with an address (primary or alias) and password (PROTOCOL.md §7.5). A member
/// with the second factor on (user/openwxtoken, §6.10) gets a pending sign-in instead of a session,
/// completed by <see cref="SecondFactorService"/>.
/// </summary>
/// <remarks>
/// Every failure gets the same answer, whether the address is unknown, the member disabled or the
/// password wrong, and costs the same slow hash, so neither the answer nor its timing tells which
/// addresses exist. Failures are throttled per account and per client address (<see cref="LoginThrottle"/>).
/// </remarks>
internal sealed class PasswordLoginService(
    IDatabase database,
    PasswordHasher hasher,
    WebmailSessions sessions,
    PendingSignInCookie pendings,
    LoginThrottle throttle,
    TimeProvider time,
    ILogger<PasswordLoginService> logger)
{
    public const int MaxPasswordLength = 256;

    // What an unknown address is checked against: a slow hash like the members' own.
    private readonly Lazy<string> _decoy = new(() => hasher.Harden(PasswordHasher.Quick(PasswordHasher.Md5Hex(Guid.NewGuid().ToString()))) ?? "");

    public async Task<SignInOutcome> SignInAsync(string? address, string? password, IPAddress? source, CancellationToken cancellationToken)
    {
        address ??= "";
        password ??= "";
        var normalized = EmailAddress.TryNormalize(address, out var a) ? a : address.Trim().ToLowerInvariant();
        var member = await database.ReadAsync(
            async session => await AddressStore.FindUseAsync(session, normalized) is { Kind: AddressKind.Member or AddressKind.Alias } use
                ? await MemberStore.FindByIdAsync(session, use.OwnerId)
                : null,
            cancellationToken);

        var account = member is null ? LoginThrottle.AddressKey(normalized) : LoginThrottle.AccountKey(member.Id);
        var sourceKey = LoginThrottle.SourceKey(source);
        if (throttle.RetryAfter(account, sourceKey) is { } wait)
        {
            SsoLog.Throttled(logger, source);
            return new SignInOutcome(SignInStatus.Throttled, RetryAfter: wait);
        }

        var md5 = PasswordHasher.Md5Hex(password.Length > MaxPasswordLength ? password[..MaxPasswordLength] : password);
        var matches = PasswordHasher.Verify(md5, member?.PasswordHash ?? _decoy.Value);
        if (member is null || !matches || member.OpenType != 1 || password.Length is 0 or > MaxPasswordLength)
        {
            throttle.Fail(account, sourceKey);
            SsoLog.PasswordRefused(logger, source);
            return SignInOutcome.Invalid;
        }

        var stamp = PasswordHasher.Stamp(member.PasswordHash);
        if (member.SecondFactor)
        {
            var enrolled = await database.ReadAsync(session => TotpStore.FindAsync(session, member.Id), cancellationToken) is not null;
            return new SignInOutcome(
                SignInStatus.SecondFactorRequired,
                Pending: pendings.Create(member.Id, member.EnterpriseId, stamp, enrolled ? null : Totp.NewSecret()));
        }

        // The member is read again in the transaction that starts the session: a password changed or
        // an account disabled since the check above must not get a session.
        var started = await database.WriteAsync<WebmailSession?>(
            async session =>
            {
                var current = await MemberStore.FindByIdAsync(session, member.Id);
                return current is { OpenType: 1, SecondFactor: false } && PasswordHasher.Stamp(current.PasswordHash) == stamp
                    ? await sessions.StartAsync(session, current, time.GetUtcNow())
                    : null;
            },
            operation: null,
            cancellationToken);
        if (started.Value is not { } signedIn)
        {
            return SignInOutcome.Invalid;
        }

        throttle.Succeed(account);
        SsoLog.SignedIn(logger, member.Id, member.EnterpriseId, "password");
        return new SignInOutcome(SignInStatus.SignedIn, Session: signedIn);
    }
}
