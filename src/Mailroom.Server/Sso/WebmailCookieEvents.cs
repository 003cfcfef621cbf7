using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Mailroom.Server.Sso;

/// <summary>Checks the session behind a webmail cookie on every request (<see cref="WebmailSessions"/>).</summary>
internal sealed class WebmailCookieEvents(WebmailSessions sessions) : CookieAuthenticationEvents
{
    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var session = WebmailSession.From(context.Principal);
        var check = session is null ? null : await sessions.CheckAsync(session, context.HttpContext.RequestAborted);
        if (check is not { } valid)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(WebmailSession.Scheme);
            return;
        }

        context.HttpContext.Features.Set(valid.Member);
        context.ShouldRenew |= valid.Extended;
    }
}
