using Mailroom.Server.Admin.Import;
using Mailroom.Server.Ui;
using Microsoft.AspNetCore.Mvc;

namespace Mailroom.Server.Admin.Pages;

/// <summary>
/// /admin/import/{id}: an import's progress, its per-row report, and applying it. The page refreshes
/// itself while the import runs (a script polls the progress handler; without scripts a meta
/// refresh does).
/// </summary>
internal sealed class ImportJobModel(UiText text, ImportJobs jobs, MemberImportService imports) : AdminPageModel(text)
{
    /// <summary>Rows of the report shown in full; longer reports show their errors and a count.</summary>
    public const int ShownRows = 1000;

    public ImportJob? Job { get; private set; }

    public static string Link(string id) => "/admin/import/" + id;

    public IActionResult OnGet(string id)
    {
        Job = jobs.Find(Admin.EnterpriseId, id);
        if (Job is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
        }

        return Page();
    }

    /// <summary>The progress as JSON, for the page's script.</summary>
    public IActionResult OnGetProgress(string id)
    {
        var job = jobs.Find(Admin.EnterpriseId, id);
        return job is null
            ? NotFound()
            : new JsonResult(new ImportProgress(job.State.ToString().ToLowerInvariant(), job.Processed, job.Total));
    }

    public IActionResult OnPostApply(string id)
    {
        Job = jobs.Find(Admin.EnterpriseId, id);
        if (Job is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }

        if (!imports.StartApply(Admin, Source, Job))
        {
            Error = T["admin.import.cannot.apply"];
            return Page();
        }

        return LocalRedirect(Link(Job.Id));
    }

    public string StateText(ImportState state) => state switch
    {
        ImportState.Checking => T["admin.import.state.checking"],
        ImportState.Checked => T["admin.import.state.checked"],
        ImportState.Applying => T["admin.import.state.applying"],
        ImportState.Applied => T["admin.import.state.applied"],
        _ => T["admin.import.state.failed"],
    };

    public string ActionText(int action) => action switch
    {
        Directory.SyncAction.Add => T["admin.import.action.add"],
        Directory.SyncAction.Modify => T["admin.import.action.update"],
        _ => "-",
    };

    public string ErrorText(Protocol.ProtocolError? error) => error is null ? T["admin.import.row.ok"] : Message(error);

    /// <summary>The progress handler's answer.</summary>
    public sealed record ImportProgress(string State, int Processed, int Total);
}
