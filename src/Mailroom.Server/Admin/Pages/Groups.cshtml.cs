using Mailroom.Server.Directory;
using Mailroom.Server.Storage;
using Mailroom.Server.Ui;
using Microsoft.AspNetCore.Mvc;

namespace Mailroom.Server.Admin.Pages;

/// <summary>/admin/groups: the enterprise's mail groups, and creating one (group/add, through the same service as the API).</summary>
internal sealed class GroupsModel(UiText text, DirectoryBrowser browser, GroupService groups) : AdminPageModel(text)
{
    public static readonly string[] Statuses = [MailGroupStatus.All, MailGroupStatus.Inner, MailGroupStatus.Group, MailGroupStatus.List];

    [BindProperty]
    public string Name { get; set; } = "";

    [BindProperty]
    public string Address { get; set; } = "";

    [BindProperty]
    public string GroupStatus { get; set; } = MailGroupStatus.All;

    [BindProperty]
    public string Members { get; set; } = "";

    public IReadOnlyList<GroupSummary> Groups { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Groups = await browser.GroupsAsync(Admin.EnterpriseId, cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var result = await groups.AddAsync(
            Call("group/add", ("group_name", Name ?? ""), ("group_admin", Address ?? ""), ("status", GroupStatus ?? ""), ("members", GroupModel.JoinAddresses(Members))),
            cancellationToken);
        if (result.Error is null)
        {
            return Done(T.Format("admin.groups.created", Address), GroupModel.Link((Address ?? "").Trim().ToLowerInvariant()));
        }

        Error = Message(result.Error);
        await OnGetAsync(cancellationToken);
        return Page();
    }
}
