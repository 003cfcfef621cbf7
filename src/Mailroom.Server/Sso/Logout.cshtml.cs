using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Mailroom.Server.Sso;

/// <summary>Logout: ends the session on the server (a copied cookie is worthless after it) and drops the cookie.</summary>
[AllowAnonymous]
internal sealed class LogoutModel(WebmailSessions sessions, ILogger<LogoutModel> logger) : PageModel
{
    public IActionResult OnGet() => LocalRedirect(SsoPaths.Inbox);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (WebmailSession.From(User) is { } session)
        {
            await sessions.EndAsync(session, cancellationToken);
            SsoLog.SignedOut(logger, session.MemberId);
        }

        await HttpContext.SignOutAsync(WebmailSession.Scheme);
        return LocalRedirect(SsoPaths.Login + "?signedOut=true");
    }
}
