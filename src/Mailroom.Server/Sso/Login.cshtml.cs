using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Mailroom.Server.Sso;

/// <summary>Webmail sign-in with an email address (primary or alias) and password (PROTOCOL.md §7.5).</summary>
[AllowAnonymous]
internal sealed class LoginModel(PasswordLoginService logins, WebmailSessions sessions, PendingSignInCookie pendings) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string? Address { get; set; }

    public bool Failed { get; private set; }

    public int? RetryMinutes { get; private set; }

    public bool SignedOut { get; private set; }

    public bool Restarted { get; private set; }

    public IActionResult OnGet(bool signedOut = false, bool restart = false)
    {
        if (SignedInMember.Of(HttpContext) is not null)
        {
            return LocalRedirect(SsoPaths.SafeReturn(ReturnUrl));
        }

        SignedOut = signedOut;
        Restarted = restart;
        Response.Headers.CacheControl = "no-store";
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? password, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        var outcome = await logins.SignInAsync(Address, password, HttpContext.Connection.RemoteIpAddress, cancellationToken);
        switch (outcome.Status)
        {
            case SignInStatus.SignedIn:
                PendingSignInCookie.Clear(HttpContext);
                await WebmailSignIn.ReplaceAsync(HttpContext, sessions, outcome.Session!, cancellationToken);
                return LocalRedirect(SsoPaths.SafeReturn(ReturnUrl));
            case SignInStatus.SecondFactorRequired:
                pendings.Write(HttpContext, outcome.Pending!);
                return LocalRedirect(SsoPaths.SecondFactor + QueryString.Create("returnUrl", SsoPaths.SafeReturn(ReturnUrl)));
            case SignInStatus.Throttled:
                RetryMinutes = (int)Math.Ceiling(outcome.RetryAfter.TotalMinutes);
                return Page();
            default:
                Failed = true;
                return Page();
        }
    }
}
