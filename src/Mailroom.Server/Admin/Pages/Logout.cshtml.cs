using Mailroom.Server.Ui;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace Mailroom.Server.Admin.Pages;

/// <summary>/admin/logout: ends the console session (POST only, with the anti-forgery token).</summary>
internal sealed class LogoutModel(UiText text) : AdminPageModel(text)
{
    public IActionResult OnGet() => LocalRedirect("/admin");

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(AdminSession.Scheme);
        return Done(T["admin.logout.done"], "/admin");
    }
}
