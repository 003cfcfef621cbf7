using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Mailroom.Server.Admin.Import;

/// <summary>
/// The imports in progress, in memory (one node; a restart forgets them and the file is uploaded
/// again). A job is found only with its enterprise: another enterprise's administrator who guesses
/// or copies a job id finds nothing. Jobs are forgotten an hour after they were uploaded.
/// </summary>
internal sealed class ImportJobs(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    private const int MaxJobsPerEnterprise = 5;

    private readonly ConcurrentDictionary<string, ImportJob> _jobs = new(StringComparer.Ordinal);

    /// <summary>A new job for the file; null when the enterprise already has too many (running ones are never dropped).</summary>
    public ImportJob? Add(long enterpriseId, ImportFile file)
    {
        var now = time.GetUtcNow();
        foreach (var (id, old) in _jobs)
        {
            if (!old.IsRunning && now - old.CreatedAt > Lifetime)
            {
                _jobs.TryRemove(id, out _);
            }
        }

        var mine = _jobs.Values.Where(j => j.EnterpriseId == enterpriseId).OrderBy(j => j.CreatedAt).ToList();
        foreach (var old in mine.Where(j => !j.IsRunning).Take(Math.Max(0, mine.Count - MaxJobsPerEnterprise + 1)))
        {
            _jobs.TryRemove(old.Id, out _);
        }

        if (_jobs.Values.Count(j => j.EnterpriseId == enterpriseId) >= MaxJobsPerEnterprise)
        {
            return null;
        }

        var job = new ImportJob(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), enterpriseId, file, now);
        _jobs[job.Id] = job;
        return job;
    }

    public ImportJob? Find(long enterpriseId, string? id) =>
        id is not null && _jobs.TryGetValue(id, out var job) && job.EnterpriseId == enterpriseId ? job : null;
}
