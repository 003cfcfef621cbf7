using Mailroom.Server.Directory;
using Mailroom.Server.Ui;
using Microsoft.AspNetCore.Mvc;

namespace Mailroom.Server.Admin.Pages;

/// <summary>/admin/members/new: adds a member with user/sync ADD, through the same service as the API.</summary>
internal sealed class MemberNewModel(UiText text, MemberSyncService sync, EnterpriseService enterprises) : AdminPageModel(text)
{
    [BindProperty]
    public MemberForm Form { get; set; } = new();

    /// <summary>The department the member is added to, prefilled from the directory page.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Path { get; set; }

    public IReadOnlyList<string> Domains { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Form.Departments = Path ?? "";
        Domains = await enterprises.DomainsAsync(Admin.EnterpriseId, cancellationToken);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var result = await sync.SyncAsync(Call("user/sync", Form.ToAdd()), cancellationToken);
        if (result.Error is null)
        {
            return Done(T.Format("admin.member.created", Form.Address), MemberModel.Link((Form.Address ?? "").Trim().ToLowerInvariant()));
        }

        Error = Message(result.Error);
        Form.Password = "";
        Domains = await enterprises.DomainsAsync(Admin.EnterpriseId, cancellationToken);
        return Page();
    }
}
