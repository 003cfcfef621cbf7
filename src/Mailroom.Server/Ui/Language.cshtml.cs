using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Mailroom.Server.Ui;

/// <summary>The language switch of every page: remembers the choice in a cookie and goes back.</summary>
internal sealed class LanguageModel : PageModel
{
    public IActionResult OnGet() => LocalRedirect("/");

    public IActionResult OnPost(string? lang, string? returnUrl)
    {
        if (UiLanguage.IsSupported(lang))
        {
            Response.Cookies.Append(UiLanguage.CookieName, lang!, new CookieOptions
            {
                HttpOnly = true,
                Secure = Request.IsHttps,
                SameSite = SameSiteMode.Lax,
                IsEssential = true,
                MaxAge = TimeSpan.FromDays(365),
            });
        }

        // Only back to a page of this site: an open redirect would let a link send people elsewhere.
        return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl! : "/");
    }
}
