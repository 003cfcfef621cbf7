using Mailroom.Server.Admin.Csv;
using Mailroom.Server.Ui;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace Mailroom.Server.Admin.Pages;

/// <summary>
/// /admin/operations/export: every line the filters match (not just one page), as CSV in UTF-8 with
/// a byte-order mark, streamed as it is read.
/// </summary>
internal sealed class OperationsExportModel(UiText text, OperationHistory history, ConsoleClock clock) : AdminPageModel(text)
{
    [BindProperty(SupportsGet = true, Name = "")]
    public OperationFilter Filter { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var query = Filter.ToQuery(clock, 1);
        var name = $"operations-{Admin.ClientId}-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}.csv";
        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileNameStar = name, FileName = "operations.csv" }.ToString();
        await using var writer = new StreamWriter(Response.Body, CsvWriter.Encoding, bufferSize: 16 * 1024);
        var csv = new CsvWriter(writer);
        await csv.WriteRecordAsync(["time", "source", "address", "client_id", "endpoint", "result", "parameters"]);
        await foreach (var operation in history.AllAsync(Admin, query, cancellationToken))
        {
            var r = operation.Record;
            await csv.WriteRecordAsync([clock.Iso(r.At), r.Channel, r.Source, r.ClientId, r.Endpoint, r.Result, r.Parameters]);
        }

        await writer.FlushAsync(cancellationToken);
        return new EmptyResult();
    }
}
