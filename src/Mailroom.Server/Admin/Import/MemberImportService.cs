using System.Globalization;
using System.Net;
using Mailroom.Server.Directory;
using Mailroom.Server.Protocol;
using Mailroom.Server.Storage;

namespace Mailroom.Server.Admin.Import;

/// <summary>
/// Imports members from a CSV file through the directory services — user/sync for each row (ADD for
/// a free address, MOD for an existing member), party/sync ADD for each department not there yet —
/// all or nothing: the whole file is one transaction, so one bad row leaves the directory as it was.
/// A check runs the very same calls in a transaction that is always rolled back, which is what
/// gives the per-row report its exactness (rows that conflict with each other included).
/// </summary>
/// <remarks>
/// Applied, every row is logged as the console's user/sync (and each new department as its
/// party/sync) in the same transaction, and takes its own directory version, exactly as the same
/// calls over the open protocol would; one admin/import line records the outcome of the whole file.
/// The transaction holds the database's single writer while it runs (well under a second per
/// thousand rows), so other writes wait for it.
/// </remarks>
internal sealed partial class MemberImportService(
    IDatabase database,
    MemberSyncService members,
    DepartmentService departments,
    ImportJobs jobs,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<MemberImportService> logger)
{
    /// <summary>Starts checking an uploaded file; null when the enterprise has too many imports open.</summary>
    public ImportJob? StartCheck(AdminSession session, IPAddress? source, ImportFile file)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(file);
        var job = jobs.Add(session.EnterpriseId, file);
        if (job is not null)
        {
            job.Completion = Task.Run(() => RunAsync(job, session, source, apply: false));
        }

        return job;
    }

    /// <summary>Starts applying a checked job without errors; false when it is not in that state.</summary>
    public bool StartApply(AdminSession session, IPAddress? source, ImportJob job)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(job);
        if (job.EnterpriseId != session.EnterpriseId || !job.TryStartApplying())
        {
            return false;
        }

        job.Completion = Task.Run(() => RunAsync(job, session, source, apply: true));
        return true;
    }

    private async Task RunAsync(ImportJob job, AdminSession session, IPAddress? source, bool apply)
    {
        try
        {
            var (results, error) = await RunInTransactionAsync(job, session, source, apply, lifetime.ApplicationStopping);
            job.Finish(results, error);
        }
        catch (Exception e)
        {
            // The boundary of a background job: the administrator sees that it failed; the log has why.
            LogImportFailed(logger, e, job.Id, session.EnterpriseId);
            job.Finish([], ProtocolErrors.Internal(job.Id));
        }
    }

    private async Task<(IReadOnlyList<ImportRowResult> Results, ProtocolError? Error)> RunInTransactionAsync(
        ImportJob job, AdminSession session, IPAddress? source, bool apply, CancellationToken cancellationToken)
    {
        var file = job.File ?? throw new InvalidOperationException("The import's rows are gone.");
        var actor = AdminActor.FromConsole(source);
        var results = new List<ImportRowResult>(file.Rows.Count);
        var summary = AdminActor.Parameters(("file", file.FileName), ("rows", file.Rows.Count.ToString(CultureInfo.InvariantCulture)));
        var outcome = await database.WriteAsync<Done>(
            async work =>
            {
                results.Clear();
                var failed = await CreateDepartmentsAsync(work, session, source, file, apply);
                var processed = 0;
                foreach (var row in file.Rows)
                {
                    if (cancellationToken.IsCancellationRequested)
                    {
                        // Shutting down: give the writer back rather than hold it for the rest of the file.
                        return ProtocolErrors.TemporarilyUnavailable;
                    }

                    var result = failed.TryGetValue(row.Line, out var departmentError)
                        ? new ImportRowResult(row.Line, row.Address, 0, departmentError)
                        : await RunRowAsync(work, session, source, row, apply);
                    results.Add(result);
                    job.Report(++processed);
                }

                // A check always rolls back; so does an import with any refused row (all or nothing).
                return !apply || results.Any(r => r.Error is not null) ? ImportErrors.NotApplied : Done.Value;
            },
            apply ? error => actor.Record(time.GetUtcNow(), session.EnterpriseId, session.ClientId, AdminOperations.Import, summary, error) : null,
            cancellationToken);
        return (results, apply ? outcome.Error : null);
    }

    // party/sync ADD of every department the rows name that does not exist yet; a refused path
    // refuses the rows that name it.
    private async Task<Dictionary<int, ProtocolError>> CreateDepartmentsAsync(
        StoreSession work, AdminSession session, IPAddress? source, ImportFile file, bool apply)
    {
        var failed = new Dictionary<int, ProtocolError>();
        var paths = file.Rows.Where(r => r.Error is null).SelectMany(r => r.Departments).Distinct(StringComparer.Ordinal).ToList();
        foreach (var path in paths)
        {
            var segments = DepartmentPath.Parse(path).Value!.Segments;
            if (await DepartmentStore.FindIdAsync(work, session.EnterpriseId, segments) is not null)
            {
                continue;
            }

            var request = ConsoleRequests.Create(session, "party/sync", source, ("Action", "2"), ("DstPath", path));
            var created = await departments.SyncInAsync(work, request);
            if (created.Error is { } error)
            {
                foreach (var row in file.Rows.Where(r => r.Departments.Contains(path, StringComparer.Ordinal)))
                {
                    failed.TryAdd(row.Line, error);
                }
            }
            else if (apply)
            {
                await OperationStore.AppendAsync(work, request.ToOperation(time.GetUtcNow(), OperationRecord.Success));
            }
        }

        return failed;
    }

    private async Task<ImportRowResult> RunRowAsync(StoreSession work, AdminSession session, IPAddress? source, ImportRow row, bool apply)
    {
        if (row.Error is { } invalid)
        {
            return new ImportRowResult(row.Line, row.Address, 0, invalid);
        }

        // A member's address is updated; anything else is added (an alias or group address is then
        // refused by user/sync as user_exists).
        var use = await AddressStore.FindUseAsync(work, row.Address);
        var action = use?.Kind == AddressKind.Member ? SyncAction.Modify : SyncAction.Add;
        var request = new ApiRequest("user/sync", row.ToParameters(action), source)
        {
            Caller = session.Caller,
            Channel = OperationChannels.Console,
        };
        var result = await members.SyncInAsync(work, request);
        if (apply && !result.IsError)
        {
            await OperationStore.AppendAsync(work, request.ToOperation(time.GetUtcNow(), OperationRecord.Success));
        }

        return new ImportRowResult(row.Line, row.Address, action, result.Error);
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Error, Message = "Member import {JobId} of enterprise {EnterpriseId} failed")]
    private static partial void LogImportFailed(ILogger logger, Exception exception, string jobId, long enterpriseId);
}
