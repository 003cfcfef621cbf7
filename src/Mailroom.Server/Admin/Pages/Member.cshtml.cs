using Mailroom.Server.Directory;
using Mailroom.Server.Protocol;
using Mailroom.Server.Ui;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Mailroom.Server.Admin.Pages;

/// <summary>
/// /admin/member?address=…: a member's profile, and its changes — edit, enable or disable, delete
/// (user/sync), second factor (user/openwxtoken, user/closewxtoken), make an alias the primary
/// address (user/swapalias) — each through the same service as the open protocol.
/// </summary>
internal sealed class MemberModel(UiText text, DirectoryBrowser browser, MemberSyncService sync, MemberAccountService accounts) : AdminPageModel(text)
{
    [BindProperty(SupportsGet = true)]
    public string Address { get; set; } = "";

    [BindProperty]
    public MemberForm Form { get; set; } = new();

    [BindProperty]
    public bool DeleteConfirm { get; set; }

    public MemberView? Member { get; private set; }

    public static string Link(string address) => "/admin/member?address=" + Uri.EscapeDataString(address);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return Missing();
        }

        Form = MemberForm.Of(Member!);
        return Page();
    }

    public Task<IActionResult> OnPostSaveAsync(CancellationToken cancellationToken) =>
        ChangeAsync(address => sync.SyncAsync(Call("user/sync", Form.ToModify(address)), cancellationToken), T["admin.member.saved"], keepForm: true, cancellationToken);

    public Task<IActionResult> OnPostStatusAsync(string? state, CancellationToken cancellationToken) =>
        ChangeAsync(
            address => sync.SyncAsync(Call("user/sync", ("Action", "3"), ("Alias", address), ("OpenType", state == "enable" ? "1" : "2")), cancellationToken),
            state == "enable" ? T["admin.member.enabled.done"] : T["admin.member.disabled.done"],
            keepForm: false,
            cancellationToken);

    public Task<IActionResult> OnPostSecondFactorAsync(string? state, CancellationToken cancellationToken) =>
        ChangeAsync(
            address => accounts.SetSecondFactorAsync(Call(state == "on" ? "user/openwxtoken" : "user/closewxtoken", ("alias", address)), state == "on", cancellationToken),
            state == "on" ? T["admin.member.2fa.on.done"] : T["admin.member.2fa.off.done"],
            keepForm: false,
            cancellationToken);

    public async Task<IActionResult> OnPostSwapAsync(string? alias, CancellationToken cancellationToken)
    {
        var result = await ChangeAsync(
            address => accounts.SwapAliasAsync(Call("user/swapalias", ("alias", address), ("slavealias", alias ?? "")), cancellationToken),
            T.Format("admin.member.swapped", alias),
            keepForm: false,
            cancellationToken);
        return result is LocalRedirectResult ? LocalRedirect(Link((alias ?? "").Trim().ToLowerInvariant())) : result;
    }

    public async Task<IActionResult> OnPostDeleteAsync(CancellationToken cancellationToken)
    {
        if (!DeleteConfirm)
        {
            if (!await LoadAsync(cancellationToken))
            {
                return Missing();
            }

            Form = MemberForm.Of(Member!);
            Error = T["admin.member.delete.confirm.required"];
            return Page();
        }

        var result = await sync.SyncAsync(Call("user/sync", ("Action", "1"), ("Alias", Address ?? "")), cancellationToken);
        if (result.Error is { } error)
        {
            return await FailAsync(error, keepForm: false, cancellationToken);
        }

        return Done(T.Format("admin.member.deleted", Address), "/admin/directory");
    }

    private async Task<IActionResult> ChangeAsync(Func<string, Task<Result<Done>>> change, string status, bool keepForm, CancellationToken cancellationToken)
    {
        // The address comes from the request: the service resolves it within the administrator's
        // enterprise, so another enterprise's address is refused as invalid_alias, never touched.
        var address = (Address ?? "").Trim();
        var result = await change(address);
        return result.Error is { } error
            ? await FailAsync(error, keepForm, cancellationToken)
            : Done(status, Link(address));
    }

    private async Task<IActionResult> FailAsync(ProtocolError error, bool keepForm, CancellationToken cancellationToken)
    {
        Error = Message(error);
        if (!await LoadAsync(cancellationToken))
        {
            return Missing();
        }

        if (!keepForm)
        {
            Form = MemberForm.Of(Member!);
        }

        Form.Password = "";
        return Page();
    }

    // Shown with the service's reason (user_not_found, or invalid_alias for another enterprise's address).
    private PageResult Missing()
    {
        Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }

    private async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        var found = await browser.MemberAsync(Admin.EnterpriseId, Address ?? "", cancellationToken);
        Member = found.Value;
        if (found.Error is { } error)
        {
            Error ??= Message(error);
        }

        return Member is not null;
    }
}
