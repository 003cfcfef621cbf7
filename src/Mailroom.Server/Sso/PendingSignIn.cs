using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Mailroom.Server.Sso;

/// <summary>
/// A sign-in whose password was right and which waits for the second-factor code: the member, the
/// password stamp it was checked against, until when the code may come, and — when the member has
/// no authenticator yet — the new secret it is enrolling (so that the QR code stays the same while
/// the member tries codes).
/// </summary>
internal sealed record PendingSignIn(long MemberId, long EnterpriseId, string PasswordStamp, DateTimeOffset ExpiresAt, byte[]? EnrolmentSecret);

/// <summary>
/// Carries a <see cref="PendingSignIn"/> between the password form and the code form in a cookie
/// encrypted and authenticated by Data Protection, limited to the sign-in pages.
/// </summary>
internal sealed class PendingSignInCookie(IDataProtectionProvider protection, TimeProvider time, IOptionsMonitor<SsoOptions> options)
{
    public const string CookieName = "mailroom-webmail-pending";

    private readonly IDataProtector _protector = protection.CreateProtector("Mailroom.Sso.PendingSignIn");

    public PendingSignIn Create(long memberId, long enterpriseId, string passwordStamp, byte[]? enrolmentSecret) =>
        new(memberId, enterpriseId, passwordStamp, time.GetUtcNow() + TimeSpan.FromMinutes(Math.Max(1, options.CurrentValue.SecondFactorMinutes)), enrolmentSecret);

    public void Write(HttpContext context, PendingSignIn pending)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(pending);
        var text = string.Join(
            '|',
            "1",
            pending.MemberId.ToString(CultureInfo.InvariantCulture),
            pending.EnterpriseId.ToString(CultureInfo.InvariantCulture),
            pending.PasswordStamp,
            pending.ExpiresAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            pending.EnrolmentSecret is null ? "" : Base32.Encode(pending.EnrolmentSecret));
        context.Response.Cookies.Append(CookieName, _protector.Protect(text), Options(context));
    }

    /// <summary>The pending sign-in of this browser; null when there is none or it has expired.</summary>
    public PendingSignIn? Read(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.Request.Cookies.TryGetValue(CookieName, out var value) || string.IsNullOrEmpty(value))
        {
            return null;
        }

        string text;
        try
        {
            text = _protector.Unprotect(value);
        }
        catch (CryptographicException)
        {
            return null;
        }

        var parts = text.Split('|');
        if (parts is not ["1", _, _, _, _, _]
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var memberId)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var enterpriseId)
            || !long.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var expires))
        {
            return null;
        }

        byte[]? secret = null;
        if (parts[5].Length > 0 && !Base32.TryDecode(parts[5], out secret))
        {
            return null;
        }

        var pending = new PendingSignIn(memberId, enterpriseId, parts[3], DateTimeOffset.FromUnixTimeMilliseconds(expires), secret);
        return pending.ExpiresAt > time.GetUtcNow() ? pending : null;
    }

    public static void Clear(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Cookies.Delete(CookieName, Options(context));
    }

    private static CookieOptions Options(HttpContext context) => new()
    {
        Path = SsoPaths.Login,
        HttpOnly = true,
        Secure = context.Request.IsHttps,
        SameSite = SameSiteMode.Strict,
        IsEssential = true,
    };
}
