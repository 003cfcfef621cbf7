using Mailroom.Server.Sso;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Mailroom.Server.Webmail;

/// <summary>
/// The signed-in landing page (<see cref="SsoPaths.Inbox"/>): where one-click and password sign-in
/// arrive. It shows who is signed in; the message list comes with the mail store.
/// </summary>
[Authorize(Policy = WebmailSession.Policy)]
internal sealed class InboxModel : PageModel
{
    public SignedInMember Member { get; private set; } = null!;

    public IActionResult OnGet()
    {
        Response.Headers.CacheControl = "no-store";
        Member = SignedInMember.Of(HttpContext)!;
        return Page();
    }
}
