using Mailroom.Server.Protocol;

namespace Mailroom.Server.Admin.Import;

/// <summary>
/// One member import of one enterprise, from upload to its end: first checked (every row run
/// through the services in a transaction that is then rolled back), then, when the administrator
/// applies it, run again for real in one transaction. Lives in memory only.
/// </summary>
internal sealed class ImportJob(string id, long enterpriseId, ImportFile file, DateTimeOffset createdAt)
{
    private readonly Lock _lock = new();
    private ImportFile? _file = file;
    private int _processed;

    public string Id { get; } = id;

    public long EnterpriseId { get; } = enterpriseId;

    public string FileName { get; } = file.FileName;

    public int Total { get; } = file.Rows.Count;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public ImportState State { get; private set; } = ImportState.Checking;

    /// <summary>Rows run through the services so far in the current phase.</summary>
    public int Processed => Volatile.Read(ref _processed);

    /// <summary>The outcome of every row in the last phase that finished.</summary>
    public IReadOnlyList<ImportRowResult> Results { get; private set; } = [];

    /// <summary>Why the last phase failed as a whole (a row error, or a fault), if it did.</summary>
    public ProtocolError? Error { get; private set; }

    public bool IsRunning => State is ImportState.Checking or ImportState.Applying;

    public int Errors => Results.Count(r => r.Error is not null);

    /// <summary>The rows to run; gone once the import is applied, so no password stays in memory.</summary>
    public ImportFile? File => _file;

    public Task Completion { get; set; } = Task.CompletedTask;

    public void Report(int processed) => Volatile.Write(ref _processed, processed);

    /// <summary>Moves from checked to applying; false when the job is not checked without errors.</summary>
    public bool TryStartApplying()
    {
        lock (_lock)
        {
            if (State != ImportState.Checked || Errors > 0)
            {
                return false;
            }

            State = ImportState.Applying;
            Volatile.Write(ref _processed, 0);
            return true;
        }
    }

    public void Finish(IReadOnlyList<ImportRowResult> results, ProtocolError? error)
    {
        lock (_lock)
        {
            Results = results;
            Error = error;
            if (State == ImportState.Checking)
            {
                State = ImportState.Checked;
                return;
            }

            State = error is null ? ImportState.Applied : ImportState.Failed;
            if (error is null)
            {
                _file = null;
            }
        }
    }
}

/// <summary>The phases of an import.</summary>
internal enum ImportState
{
    Checking,
    Checked,
    Applying,
    Applied,
    Failed,
}

/// <summary>What happened (or would happen) to one row: add or update, or the error that refuses it.</summary>
internal sealed record ImportRowResult(int Line, string Address, int Action, ProtocolError? Error);
