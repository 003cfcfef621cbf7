using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Mailroom.Server.Ui;

/// <summary>
/// What the signed-in pages (the console, webmail) share: the page's texts, a status line carried
/// across the redirect after a change, an error shown with the form, and answers no browser or
/// proxy keeps (they show the directory, mail, sometimes the interface key).
/// </summary>
internal abstract class PrivatePageModel(UiText text) : PageModel
{
    /// <summary>The page's texts, in the request's language.</summary>
    public UiText T { get; } = text;

    /// <summary>A confirmation of the last change, shown once after the redirect that follows it.</summary>
    [TempData]
    public string? Status { get; set; }

    /// <summary>Why the last request did nothing, shown above the form or list it came from.</summary>
    public string? Error { get; set; }

    public override void OnPageHandlerExecuting(PageHandlerExecutingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.HttpContext.Response.Headers.CacheControl = "no-store";
        base.OnPageHandlerExecuting(context);
    }

    /// <summary>After a change: back to <paramref name="url"/> (a local path) with a status line.</summary>
    protected IActionResult Done(string status, string url)
    {
        Status = status;
        return LocalRedirect(url);
    }
}
