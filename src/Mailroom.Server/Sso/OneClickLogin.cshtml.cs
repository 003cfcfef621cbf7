using Mailroom.Server.Protocol;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Mailroom.Server.Sso;

/// <summary>
/// <c>/cgi-bin/login</c> and <c>/cgibin/login</c> (PROTOCOL.md §7.4): a valid ticket starts a
/// webmail session and redirects (302) to the inbox or to the message <c>mailid</c>; anything else
/// is this page, HTTP 403, with no session. GET and POST alike (§1), parameters from the query and
/// the body (§2.1). The ticket is the credential, so there is no anti-forgery token to check.
/// </summary>
[AllowAnonymous]
[IgnoreAntiforgeryToken]
internal sealed class OneClickLoginModel(OneClickLoginService logins, WebmailSessions sessions, IOptions<ProtocolLimits> limits) : PageModel
{
    // No handler parameters and no bound properties: model binding would read a form body before
    // the protocol's own reader (§2.1) gets it.
    public Task<IActionResult> OnGetAsync() => SignInAsync(HttpContext.RequestAborted);

    public Task<IActionResult> OnPostAsync() => SignInAsync(HttpContext.RequestAborted);

    // A HEAD (a link checker, a preview) would otherwise be served by the GET handler and use the
    // ticket up for a browser that never gets the session.
    public IActionResult OnHead()
    {
        Response.Headers.Allow = "GET, POST";
        return StatusCode(StatusCodes.Status405MethodNotAllowed);
    }

    private async Task<IActionResult> SignInAsync(CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        var read = await RequestParameterReader.ReadAsync(Request, limits.Value, cancellationToken);
        var parameters = read.Value ?? new RequestParameters();
        var session = read.IsError
            ? null
            : await logins.SignInAsync(
                new OneClickRequest(
                    parameters.Get("fun"),
                    parameters.Get("method"),
                    parameters.Get("agent"),
                    parameters.Get("user"),
                    parameters.Get("ticket"),
                    HttpContext.Connection.RemoteIpAddress),
                cancellationToken);
        if (session is null)
        {
            Response.StatusCode = StatusCodes.Status403Forbidden;
            return Page();
        }

        await WebmailSignIn.ReplaceAsync(HttpContext, sessions, session, cancellationToken);
        return Redirect(SsoPaths.AfterOneClick(parameters.Get("mailid")));
    }
}
