using System.Diagnostics;
using Mailroom.Server.Protocol;
using Prometheus;

namespace Mailroom.Server.Push;

/// <summary>
/// Push's figures for <c>/metrics</c> (Prometheus text format): held listens and event streams,
/// answers by kind, wake-up latency, queue depths and drops. Its own registry, so that servers
/// sharing a process (tests) count apart, and nothing but these and the process's own figures
/// is exported: no client, address or secret appears in a label.
/// </summary>
internal sealed class PushMetrics
{
    private static readonly string[] KindNames = ["version", "event", "heartbeat", "evicted", "revoked", "shutdown", "client_gone"];

    private readonly Counter.Child[] _answers;
    private readonly Counter.Child _pings;
    private readonly Counter _dropped;
    private readonly Histogram _wakeup;
    private readonly Gauge _held;
    private readonly Gauge _streams;
    private readonly Gauge _queued;
    private readonly Gauge _deepest;
    private readonly Gauge _online;
    private readonly Gauge _resident;
    private readonly Gauge _cpu;
    private readonly Gauge _heap;
    private readonly Gauge.Child _inlineConnections;
    private readonly Gauge.Child _pooledConnections;
    private readonly ConnectionScheduling _connections;
    private long _heldCount;
    private long _streamCount;
    private Func<QueueTotals>? _queues;

    public PushMetrics(ConnectionScheduling connections)
    {
        _connections = connections;
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        // The text format served here has no exemplars; looking one up costs every answer a trace-context read.
        factory.ExemplarBehavior = ExemplarBehavior.NoExemplars();
        var answers = factory.CreateCounter(
            "mailroom_listen_answers_total",
            "Listens answered, by kind: version, event, heartbeat ({\"Ret\":0} after the hold time), evicted (a 17th listen), revoked (key or API changed), shutdown, client_gone (nothing written); ping counts event-stream pings.",
            new CounterConfiguration { LabelNames = ["kind"] });
        _answers = [.. KindNames.Select(k => answers.WithLabels(k))];
        _pings = answers.WithLabels("ping");
        _dropped = factory.CreateCounter("mailroom_push_dropped_events_total", "Queued events dropped because a client's queue was full (the oldest go first).");
        _wakeup = factory.CreateHistogram(
            "mailroom_listen_wakeup_seconds",
            "From a member change or a queued event to the answer of a held listen being written.",
            new HistogramConfiguration { Buckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });
        _held = factory.CreateGauge("mailroom_listen_held", "Listens held now (event streams waiting included).");
        _streams = factory.CreateGauge("mailroom_listen_streams", "Event streams open now.");
        _queued = factory.CreateGauge("mailroom_push_queued_events", "Events queued now, all clients together.");
        _deepest = factory.CreateGauge("mailroom_push_queue_depth_max", "Events queued now for the client with the most.");
        _online = factory.CreateGauge("mailroom_push_online_clients", "Clients online now (a listen held, or one finished within the grace time).");

        // A few process figures, each read in O(1): prometheus-net's DotNetStats counts open handles
        // by listing /proc/self/fd, milliseconds per scrape with 20,000 connections open.
        _resident = factory.CreateGauge("process_resident_memory_bytes", "Resident memory of the server process.");
        _cpu = factory.CreateGauge("process_cpu_seconds_total", "CPU time the server process has used (user and system).");
        _heap = factory.CreateGauge("dotnet_gc_heap_bytes", "Size of the managed heap after the last garbage collection.");
        var open = factory.CreateGauge(
            "mailroom_http_connections",
            "HTTP connections open now, by how their requests run: inline (on the thread that received them, while few are open) or pooled (handed on through the thread pool).",
            new GaugeConfiguration { LabelNames = ["scheduling"] });
        _inlineConnections = open.WithLabels("inline");
        _pooledConnections = open.WithLabels("pooled");
        Registry.AddBeforeCollectCallback(Update);
    }

    public CollectorRegistry Registry { get; }

    public long HeldListens => Interlocked.Read(ref _heldCount);

    public void Answered(AnswerKind kind) => _answers[(int)kind].Inc();

    public void Pinged() => _pings.Inc();

    /// <summary>Records how long after <paramref name="wokenAt"/> (a Stopwatch timestamp) a woken listen's answer was written.</summary>
    public void Woken(long wokenAt) => _wakeup.Observe(Stopwatch.GetElapsedTime(wokenAt).TotalSeconds);

    public void Dropped(long count) => _dropped.Inc(count);

    public void HeldChanged(int delta) => Interlocked.Add(ref _heldCount, delta);

    public void StreamsChanged(int delta) => Interlocked.Add(ref _streamCount, delta);

    /// <summary>Where the queue figures come from; read at each scrape.</summary>
    public void ObserveQueues(Func<QueueTotals> totals) => _queues = totals;

    private void Update()
    {
        _resident.Set(Environment.WorkingSet);
        _cpu.Set(Environment.CpuUsage.TotalTime.TotalSeconds);
        _heap.Set(GC.GetGCMemoryInfo().HeapSizeBytes);
        _held.Set(Interlocked.Read(ref _heldCount));
        _streams.Set(Interlocked.Read(ref _streamCount));
        _inlineConnections.Set(_connections.InlineOpen);
        _pooledConnections.Set(_connections.PooledOpen);

        if (_queues?.Invoke() is { } totals)
        {
            _queued.Set(totals.Queued);
            _deepest.Set(totals.Deepest);
            _online.Set(totals.Online);
        }
    }
}

/// <summary>The queue figures of one scrape.</summary>
internal readonly record struct QueueTotals(long Queued, long Deepest, long Online);
