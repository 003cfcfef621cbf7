using Microsoft.AspNetCore.Authentication;

namespace Mailroom.Server.Sso;

/// <summary>
/// Makes the webmail member the request's user on every request that brings the webmail cookie,
/// not only on the pages that require it. Anti-forgery tokens are bound to the user, so a form
/// shown on a webmail page (the language switch, logout) must see the same user when it is posted
/// to a page that does not require a session. Requests without the cookie (the open protocol,
/// static files) pay nothing.
/// </summary>
internal sealed class WebmailAuthentication(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Cookies.ContainsKey(WebmailSession.CookieName) && context.User.Identity?.IsAuthenticated != true)
        {
            var result = await context.AuthenticateAsync(WebmailSession.Scheme);
            if (result.Succeeded)
            {
                context.User = result.Principal;
            }
        }

        await next(context);
    }
}
