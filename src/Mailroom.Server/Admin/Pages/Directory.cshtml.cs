using Mailroom.Server.Directory;
using Mailroom.Server.Storage;
using Mailroom.Server.Ui;
using Microsoft.AspNetCore.Mvc;

namespace Mailroom.Server.Admin.Pages;

/// <summary>
/// /admin/directory (通讯录): the department tree, the members of one department, search, and the
/// department changes — create, rename or move, delete — each a party/sync call through the same
/// service as the open protocol.
/// </summary>
internal sealed class DirectoryModel(UiText text, DirectoryBrowser browser, DepartmentService departments) : AdminPageModel(text)
{
    /// <summary>The selected department's path; "" for the root (the enterprise itself).</summary>
    [BindProperty(SupportsGet = true)]
    public string Path { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Search { get; set; }

    [BindProperty]
    public string NewName { get; set; } = "";

    [BindProperty]
    public string Destination { get; set; } = "";

    public DepartmentTree Tree { get; private set; } = null!;

    public IReadOnlyList<MemberSummary> Members { get; private set; } = [];

    public bool HasMore { get; private set; }

    public bool Found { get; private set; } = true;

    public IReadOnlyList<MemberSummary>? FoundMembers { get; private set; }

    public IReadOnlyList<GroupSummary>? FoundGroups { get; private set; }

    public bool IsRoot => string.IsNullOrEmpty(Path);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Path = Canonical(Path);
        if (!string.IsNullOrWhiteSpace(Search))
        {
            var (members, groups) = await browser.SearchAsync(Admin.EnterpriseId, Search, cancellationToken);
            FoundMembers = members;
            FoundGroups = groups;
        }

        Tree = await browser.TreeAsync(Admin.EnterpriseId, cancellationToken);
        var listed = await browser.MembersAsync(Admin.EnterpriseId, Path, After ?? "", cancellationToken);
        if (listed.Error is { } error)
        {
            Found = false;
            Error ??= Message(error);
            return;
        }

        HasMore = listed.Value!.Count > DirectoryBrowser.PageSize;
        Members = listed.Value.Take(DirectoryBrowser.PageSize).ToList();
        Destination = string.IsNullOrEmpty(Destination) ? Path : Destination;
    }

    /// <summary>party/sync ADD of a sub-department of the selected one.</summary>
    public Task<IActionResult> OnPostCreateAsync(CancellationToken cancellationToken)
    {
        var name = (NewName ?? "").Trim();
        var path = IsRoot ? name : Canonical(Path) + "/" + name;
        return ChangeAsync(
            name.Length == 0 ? null : Call("party/sync", ("Action", "2"), ("DstPath", path)),
            T.Format("admin.directory.created", path),
            path,
            cancellationToken);
    }

    /// <summary>party/sync MOD: renames and/or moves the selected department to <see cref="Destination"/>.</summary>
    public Task<IActionResult> OnPostMoveAsync(CancellationToken cancellationToken)
    {
        var destination = Canonical(Destination);
        return ChangeAsync(
            Call("party/sync", ("Action", "3"), ("SrcPath", Path ?? ""), ("DstPath", Destination ?? "")),
            T.Format("admin.directory.moved", Canonical(Path), destination),
            destination,
            cancellationToken);
    }

    /// <summary>party/sync DEL of the selected department (it must be empty).</summary>
    public Task<IActionResult> OnPostDeleteAsync(CancellationToken cancellationToken)
    {
        var parent = Canonical(Path) is { } path && path.LastIndexOf('/') is var slash and > 0 ? path[..slash] : "";
        return ChangeAsync(
            Call("party/sync", ("Action", "1"), ("DstPath", Path ?? "")),
            T.Format("admin.directory.deleted", Canonical(Path)),
            parent,
            cancellationToken);
    }

    public static string Link(string path) => path.Length == 0 ? "/admin/directory" : "/admin/directory?path=" + Uri.EscapeDataString(path);

    private async Task<IActionResult> ChangeAsync(Protocol.ApiRequest? request, string status, string next, CancellationToken cancellationToken)
    {
        if (request is null)
        {
            Error = T["admin.directory.name.required"];
        }
        else
        {
            var result = await departments.SyncAsync(request, cancellationToken);
            if (result.Error is null)
            {
                return Done(status, Link(next));
            }

            Error = Message(result.Error);
        }

        await OnGetAsync(cancellationToken);
        return Page();
    }

    // The path as the tree writes it ("a/b"); what cannot be parsed is kept so the service can refuse it.
    private static string Canonical(string? path) =>
        DepartmentPath.Parse(path ?? "") is { Error: null } parsed ? parsed.Value!.ToString() : (path ?? "");
}
