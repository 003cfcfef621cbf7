using System.Buffers.Text;
using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;

namespace Mailroom.Server.Sso;

/// <summary>
/// A webmail session as its cookie carries it: the enterprise, the member and the session's id.
/// The id names a row of webmail_sessions, which is what makes the session valid; the cookie
/// (encrypted by Data Protection) only points at it.
/// </summary>
internal sealed record WebmailSession(long EnterpriseId, long MemberId, string SessionId)
{
    /// <summary>Webmail's own cookie authentication scheme.</summary>
    public const string Scheme = "MailroomWebmail";

    /// <summary>The authorization policy of every signed-in webmail page.</summary>
    public const string Policy = "MailroomWebmail";

    public const string CookieName = "mailroom-webmail";

    public const int IdBytes = 32;

    private const string EnterpriseClaim = "mailroom:enterprise";
    private const string SessionClaim = "mailroom:session";

    public static WebmailSession New(long enterpriseId, long memberId) =>
        new(enterpriseId, memberId, Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(IdBytes)));

    /// <summary>The SHA-256 the session is stored under; null when the id cannot be one of ours.</summary>
    public byte[]? IdHash()
    {
        Span<byte> id = stackalloc byte[IdBytes + 3];
        return Base64Url.TryDecodeFromChars(SessionId, id, out var length) && length == IdBytes
            ? SHA256.HashData(id[..length])
            : null;
    }

    public static WebmailSession? From(ClaimsPrincipal? user)
    {
        if (user?.Identity is not { IsAuthenticated: true, AuthenticationType: Scheme }
            || !long.TryParse(user.FindFirstValue(EnterpriseClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var enterpriseId)
            || !long.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), NumberStyles.None, CultureInfo.InvariantCulture, out var memberId)
            || user.FindFirstValue(SessionClaim) is not { } sessionId)
        {
            return null;
        }

        return new WebmailSession(enterpriseId, memberId, sessionId);
    }

    public ClaimsPrincipal ToPrincipal() =>
        new(new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, MemberId.ToString(CultureInfo.InvariantCulture)),
                new Claim(EnterpriseClaim, EnterpriseId.ToString(CultureInfo.InvariantCulture)),
                new Claim(SessionClaim, SessionId),
            ],
            Scheme));

    /// <summary>
    /// Gives the browser this session's cookie. It lasts while the browser is open; the session's
    /// idle limit is enforced by the server, whatever the browser keeps.
    /// </summary>
    public Task SignInAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.SignInAsync(Scheme, ToPrincipal(), new AuthenticationProperties { IsPersistent = false, AllowRefresh = true });
    }
}
