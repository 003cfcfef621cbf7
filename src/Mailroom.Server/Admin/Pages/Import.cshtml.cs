using Mailroom.Server.Admin.Import;
using Mailroom.Server.Ui;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Mailroom.Server.Admin.Pages;

/// <summary>/admin/import: upload a CSV of members; it is checked at once, row by row, before anything is applied.</summary>
internal sealed class ImportModel(UiText text, MemberImportService imports, IOptionsMonitor<AdminOptions> options) : AdminPageModel(text)
{
    [BindProperty]
    public IFormFile? Upload { get; set; }

    public AdminOptions Limits => options.CurrentValue;

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var limits = options.CurrentValue;
        if (Upload is null || Upload.Length == 0)
        {
            Error = T["admin.import.file.required"];
            return Page();
        }

        if (Upload.Length > limits.MaxImportBytes)
        {
            Error = Message(ImportErrors.TooLarge(limits.MaxImportBytes));
            return Page();
        }

        using var buffer = new MemoryStream((int)Upload.Length);
        await Upload.CopyToAsync(buffer, cancellationToken);
        var parsed = ImportFile.Parse(System.IO.Path.GetFileName(Upload.FileName), buffer.GetBuffer().AsSpan(0, (int)buffer.Length), limits.MaxImportRows);
        if (parsed.Error is { } invalid)
        {
            Error = Message(invalid);
            return Page();
        }

        var job = imports.StartCheck(Admin, Source, parsed.Value!);
        if (job is null)
        {
            Error = T["admin.import.busy"];
            return Page();
        }

        return LocalRedirect(ImportJobModel.Link(job.Id));
    }
}
