using Mailroom.Server.Directory;
using Mailroom.Server.Protocol;
using Mailroom.Server.Ui;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Mailroom.Server.Admin.Pages;

/// <summary>
/// /admin/group?address=…: a mail group with its status, members and allow list, and their changes
/// (group/addmember, group/deletemember, group/addallowlist, group/delallowlist, group/delete),
/// through the same service as the open protocol.
/// </summary>
internal sealed class GroupModel(UiText text, DirectoryBrowser browser, GroupService groups) : AdminPageModel(text)
{
    private static readonly char[] Separators = ['\n', '\r', ',', ';', ' ', '，', '；'];

    [BindProperty(SupportsGet = true)]
    public string Address { get; set; } = "";

    [BindProperty]
    public string Entries { get; set; } = "";

    [BindProperty]
    public bool DeleteConfirm { get; set; }

    public GroupView? Group { get; private set; }

    public static string Link(string address) => "/admin/group?address=" + Uri.EscapeDataString(address);

    /// <summary>Addresses typed one per line (or separated by commas or spaces), as one comma-separated value.</summary>
    public static string JoinAddresses(string? text) =>
        string.Join(',', (text ?? "").Split(Separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        await LoadAsync(cancellationToken) ? Page() : Missing();

    public Task<IActionResult> OnPostAddMembersAsync(CancellationToken cancellationToken) =>
        ChangeAsync(address => groups.AddMembersAsync(Call("group/addmember", ("group_alias", address), ("members", JoinAddresses(Entries))), cancellationToken), T["admin.group.members.added"], cancellationToken);

    public Task<IActionResult> OnPostRemoveMemberAsync(string? member, CancellationToken cancellationToken) =>
        ChangeAsync(address => groups.DeleteMembersAsync(Call("group/deletemember", ("group_alias", address), ("members", member ?? "")), cancellationToken), T.Format("admin.group.member.removed", member), cancellationToken);

    public Task<IActionResult> OnPostAllowAsync(CancellationToken cancellationToken) =>
        ChangeAsync(address => groups.AddAllowListAsync(Call("group/addallowlist", ("group_alias", address), ("allow_list", JoinAddresses(Entries))), cancellationToken), T["admin.group.allow.added"], cancellationToken);

    public Task<IActionResult> OnPostDisallowAsync(string? member, CancellationToken cancellationToken) =>
        ChangeAsync(address => groups.DeleteAllowListAsync(Call("group/delallowlist", ("group_alias", address), ("allow_list", member ?? "")), cancellationToken), T.Format("admin.group.allow.removed", member), cancellationToken);

    public async Task<IActionResult> OnPostDeleteAsync(CancellationToken cancellationToken)
    {
        if (!DeleteConfirm)
        {
            Error = T["admin.group.delete.confirm.required"];
            return await LoadAsync(cancellationToken) ? Page() : Missing();
        }

        var result = await groups.DeleteAsync(Call("group/delete", ("group_alias", Address ?? "")), cancellationToken);
        if (result.Error is { } error)
        {
            Error = Message(error);
            return await LoadAsync(cancellationToken) ? Page() : Missing();
        }

        return Done(T.Format("admin.group.deleted", Address), "/admin/groups");
    }

    private async Task<IActionResult> ChangeAsync(Func<string, Task<Result<Done>>> change, string status, CancellationToken cancellationToken)
    {
        var address = (Address ?? "").Trim();
        var result = await change(address);
        if (result.Error is null)
        {
            return Done(status, Link(address));
        }

        Error = Message(result.Error);
        return await LoadAsync(cancellationToken) ? Page() : Missing();
    }

    private PageResult Missing()
    {
        Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }

    private async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        var found = await browser.GroupAsync(Admin.EnterpriseId, Address ?? "", cancellationToken);
        Group = found.Value;
        if (found.Error is { } error)
        {
            Error ??= Message(error);
        }

        return Group is not null;
    }
}
