using System.Globalization;
using Mailroom.Server.Ui;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Mailroom.Server.Admin.Pages;

/// <summary>/admin: the sign-in form, or for a signed-in administrator an overview of the enterprise.</summary>
[AllowAnonymous]
internal sealed class IndexModel(UiText text, AdminAccountService accounts, EnterpriseService enterprises, ConsoleClock clock) : AdminPageModel(text)
{
    [BindProperty]
    public string Account { get; set; } = "";

    [BindProperty]
    public string Password { get; set; } = "";

    [BindProperty(SupportsGet = true, Name = "ReturnUrl")]
    public string? ReturnUrl { get; set; }

    public EnterpriseOverview? Enterprise { get; private set; }

    public ConsoleClock Clock => clock;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        // The console's middleware has read the session cookie on every /admin path.
        if (AdminSession.From(User) is { } session)
        {
            Enterprise = await enterprises.FindAsync(session.EnterpriseId, cancellationToken);
        }

        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var check = await accounts.SignInAsync(Account ?? "", Password ?? "", Source, cancellationToken);
        Password = "";
        if (check.Session is { } session)
        {
            await HttpContext.SignInAsync(AdminSession.Scheme, session.ToPrincipal(), new AuthenticationProperties { IsPersistent = false });
            return LocalRedirect(Url.IsLocalUrl(ReturnUrl) && ReturnUrl!.StartsWith("/admin", StringComparison.OrdinalIgnoreCase) ? ReturnUrl : "/admin");
        }

        if (check.RetryAfter is { } wait)
        {
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            Error = T.Format("admin.login.throttled", Minutes(wait));
        }
        else
        {
            Error = T["admin.login.wrong"];
        }

        return Page();
    }

    internal static int Minutes(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes));
}
