using System.Net;
using Mailroom.Server.Protocol;
using Mailroom.Server.Ui;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Mailroom.Server.Admin.Pages;

/// <summary>
/// What every console page model shares: the signed-in administrator (whose enterprise scopes
/// everything the page reads or changes), the page's texts, and a status line carried across the
/// redirect after a change. Every console page requires a signed-in administrator, except those
/// that allow anonymous callers themselves (the sign-in page).
/// </summary>
[Authorize(Policy = AdminSession.Policy)]
internal abstract class AdminPageModel(UiText text) : PageModel
{
    /// <summary>The page's texts, in the request's language.</summary>
    public UiText T { get; } = text;

    /// <summary>The administrator; the authorization convention on /Admin/Pages guarantees one.</summary>
    public AdminSession Admin => AdminSession.From(User) ?? throw new InvalidOperationException("The console page ran without a signed-in administrator.");

    /// <summary>A confirmation of the last change, shown once after the redirect that follows it.</summary>
    [TempData]
    public string? Status { get; set; }

    /// <summary>An error of the last change, shown above the form it came from.</summary>
    public string? Error { get; set; }

    protected IPAddress? Source => HttpContext.Connection.RemoteIpAddress;

    protected AdminActor Actor => AdminActor.FromConsole(Source);

    protected bool Chinese => T.Language == UiLanguage.Chinese;

    /// <summary>A service's refusal in the page's language.</summary>
    protected string Message(ProtocolError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.MessageFor(Chinese);
    }

    protected ApiRequest Call(string endpoint, params IEnumerable<(string Name, string Value)> parameters) =>
        ConsoleRequests.Create(Admin, endpoint, Source, parameters);

    /// <summary>Console pages show the directory and sometimes the interface key: never cached.</summary>
    public override void OnPageHandlerExecuting(PageHandlerExecutingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.HttpContext.Response.Headers.CacheControl = "no-store";
        base.OnPageHandlerExecuting(context);
    }

    /// <summary>After a change: back to <paramref name="url"/> (a console path) with a status line.</summary>
    protected IActionResult Done(string status, string url)
    {
        Status = status;
        return LocalRedirect(url);
    }
}
