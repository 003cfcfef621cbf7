using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Mailroom.Server.Sso;

/// <summary>
/// The second step of password sign-in when the member's second factor is on (PROTOCOL.md §6.10):
/// the authenticator code, preceded at the first such sign-in by enrolment (QR code and setup key).
/// </summary>
[AllowAnonymous]
internal sealed class SecondFactorModel(SecondFactorService secondFactor, WebmailSessions sessions, PendingSignInCookie pendings) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public SecondFactorChallenge? Prompt { get; private set; }

    public bool Failed { get; private set; }

    public int? RetryMinutes { get; private set; }

    /// <summary>The enrolment secret in Base32, in groups of four to make it easier to type.</summary>
    public string GroupedSecret => Prompt?.EnrolmentSecret is { } secret
        ? string.Join(' ', Base32.Encode(secret).Chunk(4).Select(group => new string(group)))
        : "";

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        // The enrolment secret is on this page: never kept by a cache.
        Response.Headers.CacheControl = "no-store";
        return await ShowAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostAsync(string? code, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        if (pendings.Read(HttpContext) is not { } pending)
        {
            return Restart();
        }

        var outcome = await secondFactor.VerifyAsync(pending, code, HttpContext.Connection.RemoteIpAddress, cancellationToken);
        switch (outcome.Status)
        {
            case SignInStatus.SignedIn:
                PendingSignInCookie.Clear(HttpContext);
                await WebmailSignIn.ReplaceAsync(HttpContext, sessions, outcome.Session!, cancellationToken);
                return LocalRedirect(SsoPaths.SafeReturn(ReturnUrl));
            case SignInStatus.Throttled:
                RetryMinutes = (int)Math.Ceiling(outcome.RetryAfter.TotalMinutes);
                return await ShowAsync(cancellationToken);
            case SignInStatus.Invalid:
                Failed = true;
                return await ShowAsync(cancellationToken);
            default:
                return Restart();
        }
    }

    private async Task<IActionResult> ShowAsync(CancellationToken cancellationToken)
    {
        if (pendings.Read(HttpContext) is not { } pending
            || await secondFactor.ChallengeAsync(pending, cancellationToken) is not { } challenge)
        {
            return Restart();
        }

        Prompt = challenge;
        return Page();
    }

    private LocalRedirectResult Restart()
    {
        PendingSignInCookie.Clear(HttpContext);
        return LocalRedirect(SsoPaths.Login + QueryString.Create([new KeyValuePair<string, string?>("restart", "true"), new KeyValuePair<string, string?>("returnUrl", SsoPaths.SafeReturn(ReturnUrl))]));
    }
}
