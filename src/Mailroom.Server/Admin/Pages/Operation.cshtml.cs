using Mailroom.Server.Storage;
using Mailroom.Server.Ui;
using Microsoft.AspNetCore.Mvc;

namespace Mailroom.Server.Admin.Pages;

/// <summary>/admin/operations/{seq}: one line of the operation log with its (redacted) parameters.</summary>
internal sealed class OperationModel(UiText text, OperationHistory history, ConsoleClock clock) : AdminPageModel(text)
{
    public StoredOperation? Operation { get; private set; }

    public ConsoleClock Clock => clock;

    /// <summary>The parameters as name and value rows, in the order they were logged.</summary>
    public IReadOnlyList<(string Name, string Value)> Parameters { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(long seq, CancellationToken cancellationToken)
    {
        // Another enterprise's line is as absent as one that does not exist.
        if (await history.FindAsync(Admin, seq, cancellationToken) is not { } operation)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }

        Operation = operation;
        Parameters = ReadParameters(operation.Record.Parameters);
        return Page();
    }

    private static List<(string, string)> ReadParameters(string json)
    {
        var rows = new List<(string, string)>();
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(json);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                rows.Add((property.Name, property.Value.ValueKind switch
                {
                    System.Text.Json.JsonValueKind.String => property.Value.GetString()!,
                    System.Text.Json.JsonValueKind.Array => string.Join(", ", property.Value.EnumerateArray().Select(v => v.ToString())),
                    _ => property.Value.GetRawText(),
                }));
            }
        }
        catch (System.Text.Json.JsonException)
        {
            rows.Add(("", json));
        }

        return rows;
    }
}
