using Mailroom.Server.Sso;
using Mailroom.Server.Ui;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Mailroom.Server.Webmail;

/// <summary>
/// What every webmail page shares: a signed-in member (the session is checked on every request;
/// without one the browser goes to the sign-in page), whose id scopes everything the page reads or
/// changes; the page's texts; and a status line carried across the redirect after a change.
/// </summary>
[Authorize(Policy = WebmailSession.Policy)]
internal abstract class WebmailPageModel(UiText text) : PageModel
{
    /// <summary>The page's texts, in the request's language.</summary>
    public UiText T { get; } = text;

    /// <summary>The signed-in member; the authorization policy guarantees one.</summary>
    public SignedInMember Member => SignedInMember.Of(HttpContext) ?? throw new InvalidOperationException("A webmail page ran without a signed-in member.");

    /// <summary>A confirmation of the last change, shown once after the redirect that follows it.</summary>
    [TempData]
    public string? Status { get; set; }

    /// <summary>Why the last request did nothing, shown above the list.</summary>
    public string? Error { get; set; }

    /// <summary>Mail is private: never kept by the browser or a proxy.</summary>
    public override void OnPageHandlerExecuting(PageHandlerExecutingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.HttpContext.Response.Headers.CacheControl = "no-store";
        base.OnPageHandlerExecuting(context);
    }

    /// <summary>After a change: back to <paramref name="url"/> (a webmail path) with a status line.</summary>
    protected IActionResult Done(string status, string url)
    {
        Status = status;
        return LocalRedirect(url);
    }
}
