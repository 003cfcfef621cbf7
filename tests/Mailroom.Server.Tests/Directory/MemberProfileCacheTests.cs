using System.Text;
using Mailroom.Server.Directory;
using Microsoft.Extensions.Options;

namespace Mailroom.Server.Tests.Directory;

public sealed class MemberProfileCacheTests
{
    private const long Enterprise = 7;

    private readonly DirectoryVersions _versions = new();
    private readonly Settings _settings = new();

    [Fact]
    public void AStoredAnswerIsServedWhileItsVersionIsTheKnownOne()
    {
        var cache = Cache(10);
        cache.Store(Enterprise, "bob@a.example", 5, Json("bob"));

        Assert.True(_versions.TryGetCurrent(Enterprise, out var known));
        Assert.Equal(5, known);
        Assert.Equal("bob", Served(cache, "bob@a.example"));
        Assert.Null(Served(cache, "ann@a.example"));
        Assert.Null(Served(cache, "bob@a.example", enterprise: Enterprise + 1));
    }

    [Fact]
    public void AStoredAnswerIsNotServedOnceANewerVersionIsPublished()
    {
        var cache = Cache(10);
        cache.Store(Enterprise, "bob@a.example", 5, Json("bob"));

        _versions.Observe(Enterprise, 6);

        Assert.Null(Served(cache, "bob@a.example"));
    }

    [Fact]
    public void NothingIsServedBeforeAnyVersionIsKnown()
    {
        var cache = Cache(10);
        Assert.False(_versions.TryGetCurrent(Enterprise, out _));
        Assert.Null(Served(cache, "bob@a.example"));
    }

    [Fact]
    public void AnAnswerReadAtAnOlderVersionIsKeptButNotServed()
    {
        var cache = Cache(10);
        _versions.Observe(Enterprise, 9);

        cache.Store(Enterprise, "bob@a.example", 8, Json("old"));

        Assert.Null(Served(cache, "bob@a.example"));
        Assert.True(_versions.TryGetCurrent(Enterprise, out var known));
        Assert.Equal(9, known);
    }

    [Fact]
    public void ALateReadOfAnOlderSnapshotDoesNotReplaceANewerAnswer()
    {
        var cache = Cache(10);
        cache.Store(Enterprise, "bob@a.example", 6, Json("new"));
        cache.Store(Enterprise, "bob@a.example", 5, Json("old"));

        Assert.Equal("new", Served(cache, "bob@a.example"));
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void AStaleEntryIsReplacedInPlace()
    {
        var cache = Cache(10);
        cache.Store(Enterprise, "bob@a.example", 5, Json("old"));
        _versions.Observe(Enterprise, 6);

        cache.Store(Enterprise, "bob@a.example", 6, Json("new"));

        Assert.Equal("new", Served(cache, "bob@a.example"));
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void VersionsOfOtherEnterprisesDoNotMatter()
    {
        var cache = Cache(10);
        cache.Store(Enterprise, "bob@a.example", 5, Json("a"));
        cache.Store(Enterprise + 1, "bob@a.example", 3, Json("b"));

        _versions.Observe(Enterprise + 1, 4);

        Assert.Equal("a", Served(cache, "bob@a.example"));
        Assert.Null(Served(cache, "bob@a.example", enterprise: Enterprise + 1));
    }

    [Fact]
    public void TheCountNeverPassesTheBoundAndTheNewestAnswerIsKept()
    {
        var cache = Cache(10);
        for (var i = 0; i < 100; i++)
        {
            cache.Store(Enterprise, $"m{i}@a.example", 1, Json($"m{i}"));
            Assert.InRange(cache.Count, 1, 10);
            Assert.Equal($"m{i}", Served(cache, $"m{i}@a.example"));
        }
    }

    [Fact]
    public void WhenFullTheEntriesServedSinceTheLastSweepSurvive()
    {
        var cache = Cache(10);
        for (var i = 0; i < 10; i++)
        {
            cache.Store(Enterprise, $"m{i}@a.example", 1, Json($"m{i}"));
        }

        // The first sweep finds every entry new (each gets one sweep's grace) and drops one to make room.
        cache.Store(Enterprise, "first@a.example", 1, Json("first"));
        Assert.Equal(10, cache.Count);

        // Serve some (one of m0…m3 may be the one dropped); the next sweep keeps those and the
        // entry added since, and drops the rest.
        var served = Enumerable.Range(0, 4).Select(i => $"m{i}@a.example").Where(a => Served(cache, a) is not null).ToList();
        Assert.InRange(served.Count, 3, 4);

        cache.Store(Enterprise, "second@a.example", 1, Json("second"));

        Assert.Equal(served.Count + 2, cache.Count);
        Assert.All(served, address => Assert.NotNull(Served(cache, address)));
        Assert.Equal("first", Served(cache, "first@a.example"));
        Assert.Equal("second", Served(cache, "second@a.example"));
        Assert.All(Enumerable.Range(4, 6), i => Assert.Null(Served(cache, $"m{i}@a.example")));
    }

    [Fact]
    public void WhenFullStaleEntriesAreDroppedFirst()
    {
        var cache = Cache(10);
        for (var i = 0; i < 9; i++)
        {
            cache.Store(Enterprise, $"m{i}@a.example", 1, Json($"m{i}"));
        }

        cache.Store(Enterprise + 1, "keep@b.example", 1, Json("keep"));
        _versions.Observe(Enterprise, 2);

        cache.Store(Enterprise + 1, "new@b.example", 1, Json("new"));

        Assert.Equal(2, cache.Count);
        Assert.Equal("keep", Served(cache, "keep@b.example", enterprise: Enterprise + 1));
        Assert.Equal("new", Served(cache, "new@b.example", enterprise: Enterprise + 1));
    }

    [Fact]
    public void ZeroEntriesTurnsTheCacheOffButStillLearnsTheVersion()
    {
        var cache = Cache(0);
        cache.Store(Enterprise, "bob@a.example", 5, Json("bob"));

        Assert.Equal(0, cache.Count);
        Assert.Null(Served(cache, "bob@a.example"));
        Assert.True(_versions.TryGetCurrent(Enterprise, out var known));
        Assert.Equal(5, known);
    }

    [Fact]
    public void TurningTheCacheOffEmptiesItOnTheNextStore()
    {
        var cache = Cache(10);
        cache.Store(Enterprise, "bob@a.example", 5, Json("bob"));
        cache.Store(Enterprise, "ann@a.example", 5, Json("ann"));

        _settings.CurrentValue = new DirectoryOptions { ProfileCacheEntries = 0 };
        cache.Store(Enterprise, "cat@a.example", 5, Json("cat"));

        Assert.Equal(0, cache.Count);
        Assert.Null(Served(cache, "bob@a.example"));
    }

    [Fact]
    public void ConcurrentStoresKeepTheCountWithinTheBound()
    {
        var cache = Cache(50);
        Parallel.For(0, 4, worker =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                cache.Store(Enterprise, $"w{worker}-{i % 500}@a.example", 1 + (i / 1000), Json("x"));
                _ = cache.TryGet(Enterprise, $"w{worker}-{(i * 7) % 500}@a.example", out _);
            }
        });

        // Stores racing a full cache may each add one before noticing: at most one per worker over.
        Assert.InRange(cache.Count, 1, 54);
    }

    private static byte[] Json(string name) => Encoding.UTF8.GetBytes(name);

    private static string? Served(MemberProfileCache cache, string address, long enterprise = Enterprise) =>
        cache.TryGet(enterprise, address, out var json) ? Encoding.UTF8.GetString(json) : null;

    private MemberProfileCache Cache(int entries)
    {
        _settings.CurrentValue = new DirectoryOptions { ProfileCacheEntries = entries };
        return new MemberProfileCache(_versions, _settings);
    }

    private sealed class Settings : IOptionsMonitor<DirectoryOptions>
    {
        public DirectoryOptions CurrentValue { get; set; } = new();

        public DirectoryOptions Get(string? name) => CurrentValue;

        public IDisposable? OnChange(Action<DirectoryOptions, string?> listener) => null;
    }
}
