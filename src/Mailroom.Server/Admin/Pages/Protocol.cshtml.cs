using System.Globalization;
using Mailroom.Server.Auth;
using Mailroom.Server.Ui;
using Microsoft.AspNetCore.Mvc;

namespace Mailroom.Server.Admin.Pages;

/// <summary>
/// /admin/protocol (开放协议, PROTOCOL.md §8): the state of the enterprise's open-protocol client,
/// switching it on and off, the allowed client addresses and rate limit, and the interface key —
/// shown, or regenerated, only after the administrator's password is entered again.
/// </summary>
/// <remarks>
/// Every enterprise gets its client (client_id = the administrator account) and a key when it is
/// created, so there is nothing left to apply for: the page shows the client as applied, and
/// switching the protocol on is what opens it to callers.
/// </remarks>
internal sealed class ProtocolModel(UiText text, EnterpriseService enterprises, AdminAccountService accounts, ConsoleClock clock) : AdminPageModel(text)
{
    public EnterpriseOverview Enterprise { get; private set; } = null!;

    public ConsoleClock Clock => clock;

    [BindProperty]
    public string Allowed { get; set; } = "";

    [BindProperty]
    public string RateLimit { get; set; } = "";

    [BindProperty]
    public string RevealPassword { get; set; } = "";

    [BindProperty]
    public string RegeneratePassword { get; set; } = "";

    [BindProperty]
    public bool Confirm { get; set; }

    /// <summary>Validation errors by field, shown next to the field.</summary>
    public Dictionary<string, string> FieldErrors { get; } = new(StringComparer.Ordinal);

    /// <summary>The key, shown once in this answer only.</summary>
    public string? Key { get; private set; }

    public bool Regenerated { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        Allowed = string.Join('\n', Enterprise.Enterprise.AllowedAddresses.Split(',', StringSplitOptions.RemoveEmptyEntries));
        RateLimit = Enterprise.Enterprise.RateLimit.ToString(CultureInfo.InvariantCulture);
    }

    public async Task<IActionResult> OnPostSwitchAsync(string? state, CancellationToken cancellationToken)
    {
        var on = state == "on";
        var result = await enterprises.SetApiEnabledAsync(Admin.ClientId, on, cancellationToken, Actor);
        if (result.Error is { } error)
        {
            Error = Message(error);
            await OnGetAsync(cancellationToken);
            return Page();
        }

        return Done(on ? T["admin.protocol.switched.on"] : T["admin.protocol.switched.off"], "/admin/protocol");
    }

    public async Task<IActionResult> OnPostAccessAsync(CancellationToken cancellationToken)
    {
        Allowed ??= "";
        if (!AllowedAddresses.TryParse(Allowed, out _, out var invalid))
        {
            FieldErrors[nameof(Allowed)] = T.Format("admin.protocol.allowed.invalid", invalid);
        }

        if (!int.TryParse((RateLimit ?? "").Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var rate))
        {
            FieldErrors[nameof(RateLimit)] = T["admin.protocol.rate.invalid"];
        }

        if (FieldErrors.Count == 0)
        {
            var result = await enterprises.SetAccessAsync(Admin.ClientId, Allowed, rate, cancellationToken, Actor);
            if (result.Error is null)
            {
                return Done(T["admin.protocol.access.saved"], "/admin/protocol");
            }

            Error = Message(result.Error);
        }

        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostRevealAsync(CancellationToken cancellationToken)
    {
        var check = await accounts.ConfirmAsync(Admin, RevealPassword ?? "", Source, AdminOperations.RevealKey, cancellationToken);
        RevealPassword = "";
        if (PasswordError(check) is { } wrong)
        {
            FieldErrors[nameof(RevealPassword)] = wrong;
        }
        else
        {
            var key = await enterprises.RevealKeyAsync(Admin.ClientId, cancellationToken, Actor);
            Key = key.Value;
            Error = key.Error is { } error ? Message(error) : null;
        }

        await OnGetAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostRegenerateAsync(CancellationToken cancellationToken)
    {
        if (!Confirm)
        {
            FieldErrors[nameof(Confirm)] = T["admin.protocol.regenerate.confirm.required"];
        }
        else
        {
            var check = await accounts.ConfirmAsync(Admin, RegeneratePassword ?? "", Source, AdminOperations.RotateKey, cancellationToken);
            if (PasswordError(check) is { } wrong)
            {
                FieldErrors[nameof(RegeneratePassword)] = wrong;
            }
            else
            {
                var key = await enterprises.RotateKeyAsync(Admin.ClientId, cancellationToken, Actor);
                Key = key.Value;
                Regenerated = key.Value is not null;
                Error = key.Error is { } error ? Message(error) : null;
            }
        }

        RegeneratePassword = "";
        Confirm = false;
        await OnGetAsync(cancellationToken);
        return Page();
    }

    private string? PasswordError(PasswordCheck check)
    {
        if (check.RetryAfter is { } wait)
        {
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return T.Format("admin.login.throttled", IndexModel.Minutes(wait));
        }

        return check.Session is null ? T["admin.protocol.password.wrong"] : null;
    }

    private async Task LoadAsync(CancellationToken cancellationToken) =>
        Enterprise = await enterprises.FindAsync(Admin.EnterpriseId, cancellationToken)
            ?? throw new InvalidOperationException("The signed-in administrator's enterprise is gone.");
}
