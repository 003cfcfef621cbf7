using System.Collections.Concurrent;
using Mailroom.Server.Directory;
using Microsoft.Extensions.Options;

namespace Mailroom.Server.Push;

/// <summary>What every client channel shares: time, settings, the known directory versions, the expiry wheel, metrics and the version answers.</summary>
internal sealed class PushContext(TimeProvider time, IOptionsMonitor<ListenOptions> options, DirectoryVersions versions, PushMetrics metrics) : IDisposable
{
    private readonly ConcurrentDictionary<long, VersionAnswer> _versionAnswers = new();

    public TimeProvider Time => time;

    public ListenOptions Options => options.CurrentValue;

    public DirectoryVersions Versions => versions;

    public PushMetrics Metrics => metrics;

    public ExpiryWheel Expiry { get; } = new(time);

    /// <summary>The enterprise's {"Ver":"…"} answer, encoded once per version and shared by every listen answered with it.</summary>
    public byte[] VersionBody(long enterpriseId, long version)
    {
        if (_versionAnswers.TryGetValue(enterpriseId, out var answer) && answer.Version == version)
        {
            return answer.Body;
        }

        var body = ListenAnswers.Version(version);
        _versionAnswers[enterpriseId] = new VersionAnswer(version, body);
        return body;
    }

    public void Dispose() => Expiry.Dispose();

    private sealed record VersionAnswer(long Version, byte[] Body);
}
