using System.Globalization;
using System.Text;
using static Mailroom.Bench.Text;

namespace Mailroom.Bench;

/// <summary>
/// The figures of a run: each is printed as soon as it is measured, and all of them again at the
/// end as markdown table rows that the README can include as they are.
/// </summary>
internal sealed class Report
{
    private readonly List<ReportRow> _rows = [];

    public IReadOnlyList<ReportRow> Rows => _rows;

    public bool AnyFailed => _rows.Any(r => r.Verdict == Verdict.Fail);

    /// <summary>The baseline column's heading (the directory benchmark's baseline is bare Kestrel).</summary>
    public string BaselineName { get; set; } = T("Bare Kestrel", "裸 Kestrel");

    /// <summary>Mailroom's rate against the bare server's, with the same load; the target is a minimum ratio.</summary>
    public void Ratio(string measurement, string unit, ThroughputResult mailroom, ThroughputResult bare, double minimumRatio, string? note = null)
    {
        var ratio = mailroom.PerSecond / bare.PerSecond;
        var errors = mailroom.ErrorsTotal + bare.ErrorsTotal;
        Add(new ReportRow(
            measurement,
            Rate(mailroom.PerSecond, unit),
            Rate(bare.PerSecond, unit),
            ratio.ToString("0.00", CultureInfo.InvariantCulture),
            "≥ " + minimumRatio.ToString("0.0#", CultureInfo.InvariantCulture),
            errors > 0 ? Verdict.Fail : ratio >= minimumRatio ? Verdict.Pass : Verdict.Fail,
            Join(note, Cpu(mailroom, bare), Errors(mailroom.ErrorsTotal, "Mailroom"), Errors(bare.ErrorsTotal, T("bare", "裸服务器")))),
            [.. mailroom.ErrorSamples, .. bare.ErrorSamples]);
    }

    /// <summary>A rate of a fixed amount of work; the target (if any) is an absolute minimum.</summary>
    public void Rate(string measurement, string unit, BatchResult mailroom, BatchResult? bare, double? minimum, string? note = null, string? baselineUnit = null)
    {
        var ratio = bare is null ? "" : (mailroom.PerSecond / bare.PerSecond).ToString("0.00", CultureInfo.InvariantCulture);
        var verdict = mailroom.Errors > 0 ? Verdict.Fail
            : minimum is not { } m ? Verdict.None
            : mailroom.PerSecond >= m ? Verdict.Pass : Verdict.Fail;
        Add(new ReportRow(
            measurement,
            Rate(mailroom.PerSecond, unit),
            bare is null ? "" : Rate(bare.PerSecond, baselineUnit ?? T("req/s", "请求/秒")),
            ratio,
            minimum is { } min ? "≥ " + Rate(min, unit) : "",
            verdict,
            Join(note, Errors(mailroom.Errors, "Mailroom"), bare is null ? null : Errors(bare.Errors, T("bare", "裸服务器")))),
            [.. mailroom.ErrorSamples, .. bare?.ErrorSamples ?? []]);
    }

    /// <summary>The median time of repeated calls; the target is an absolute maximum.</summary>
    public void Latency(string measurement, LatencyResult result, TimeSpan maximum, string? note = null)
    {
        var spread = T(
            $"median of {result.Times.Count}, min {Time(result.Min)}, max {Time(result.Max)}",
            $"{result.Times.Count} 次的中位数，最短 {Time(result.Min)}，最长 {Time(result.Max)}");
        var verdict = result.Errors > 0 || result.Times.Count == 0 ? Verdict.Fail : result.Median < maximum ? Verdict.Pass : Verdict.Fail;
        Add(new ReportRow(measurement, Time(result.Median), "", "", "< " + Time(maximum), verdict, Join(note, spread, Errors(result.Errors, "Mailroom"))), result.ErrorSamples);
    }

    /// <summary>The 99th percentile of a latency distribution; the target is an absolute maximum of it.</summary>
    public void Percentile99(string measurement, LatencyResult result, TimeSpan maximum, string? note = null)
    {
        var p99 = result.Percentile(99);
        var spread = T(
            $"{result.Times.Count:N0} samples: p50 {Time(result.Percentile(50))}, p99 {Time(p99)}, max {Time(result.Max)}",
            $"{result.Times.Count:N0} 个样本：p50 {Time(result.Percentile(50))}，p99 {Time(p99)}，最长 {Time(result.Max)}");
        var verdict = result.Errors > 0 || result.Times.Count == 0 ? Verdict.Fail : p99 < maximum ? Verdict.Pass : Verdict.Fail;
        Add(new ReportRow(measurement, Time(p99), "", "", "p99 < " + Time(maximum), verdict, Join(spread, note, Errors(result.Errors, "Mailroom"))), result.ErrorSamples);
    }

    /// <summary>A cost of Mailroom against the bare server's, lower is better; the target is a maximum ratio.</summary>
    public void Cost(string measurement, double mailroom, double bare, Func<double, string> format, double maximumRatio, long errors, string? note = null, IReadOnlyList<string>? errorSamples = null)
    {
        ArgumentNullException.ThrowIfNull(format);
        var ratio = mailroom / bare;
        Add(new ReportRow(
            measurement,
            format(mailroom),
            format(bare),
            ratio.ToString("0.00", CultureInfo.InvariantCulture),
            "≤ " + maximumRatio.ToString("0.0#", CultureInfo.InvariantCulture),
            errors > 0 ? Verdict.Fail : ratio <= maximumRatio ? Verdict.Pass : Verdict.Fail,
            Join(note, Errors(errors, T("both", "两者")))),
            errorSamples ?? []);
    }

    public void NotRun(string measurement, string reason) =>
        Add(new ReportRow(measurement, "", "", "", "", Verdict.NotRun, reason), []);

    /// <summary>The closing summary: one markdown table.</summary>
    /// <summary>Prints the markdown summary (and writes it to <paramref name="outFile"/>); the exit code: 1 when a figure failed.</summary>
    public async Task<int> FinishAsync(string? outFile)
    {
        var summary = Markdown();
        Console.WriteLine();
        Console.WriteLine(T("Summary (markdown):", "摘要（markdown）："));
        Console.WriteLine();
        Console.Write(summary);
        if (outFile is not null)
        {
            await File.WriteAllTextAsync(outFile, summary);
            Console.WriteLine(T($"Written to {outFile}", $"已写入 {outFile}"));
        }

        return AnyFailed ? 1 : 0;
    }

    public string Markdown()
    {
        var text = new StringBuilder();
        text.AppendLine(T(
            $"| Measurement | Mailroom | {BaselineName} | Ratio | Target | Result | Notes |",
            $"| 测量项 | Mailroom | {BaselineName} | 比值 | 目标 | 结果 | 说明 |"));
        text.AppendLine("|---|---:|---:|---:|---|---|---|");
        foreach (var row in _rows)
        {
            text.Append("| ").AppendJoin(" | ", row.Measurement, row.Value, row.Baseline, row.Ratio, row.Target, VerdictText(row.Verdict), row.Note.Replace("|", "\\|", StringComparison.Ordinal)).AppendLine(" |");
        }

        return text.ToString();
    }

    /// <summary>The notes that are there, separated by semicolons.</summary>
    public static string Join(params string?[] parts) => string.Join("; ", parts.Where(p => !string.IsNullOrEmpty(p)));

    public static string Rate(double perSecond, string unit) =>
        perSecond.ToString(perSecond >= 100 ? "N0" : "N1", CultureInfo.InvariantCulture) + " " + unit;

    public static string Time(TimeSpan time) =>
        time.TotalSeconds >= 1 ? time.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s"
        : time.TotalMilliseconds >= 10 ? time.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms"
        : time.TotalMilliseconds.ToString("0.00", CultureInfo.InvariantCulture) + " ms";

    private static string VerdictText(Verdict verdict) => verdict switch
    {
        Verdict.Pass => T("pass", "达标"),
        Verdict.Fail => T("**FAIL**", "**未达标**"),
        Verdict.NotRun => T("not run", "未运行"),
        _ => "",
    };

    // The servers' own cost per call, free of the load generator's share of the machine.
    private static string Cpu(ThroughputResult mailroom, ThroughputResult bare) => T(
        $"server CPU per call {mailroom.ServerCpuMicroseconds:0} µs vs bare {bare.ServerCpuMicroseconds:0} µs",
        $"每次调用的服务器 CPU {mailroom.ServerCpuMicroseconds:0} 微秒，裸服务器 {bare.ServerCpuMicroseconds:0} 微秒");

    private static string? Errors(long count, string who) =>
        count == 0 ? null : T($"{count:N0} errors ({who})", $"{count:N0} 个错误（{who}）");

    private void Add(ReportRow row, IReadOnlyList<string> errorSamples)
    {
        _rows.Add(row);
        var line = new StringBuilder("  ").Append(row.Measurement).Append(": ");
        if (row.Verdict == Verdict.NotRun)
        {
            line.Append(VerdictText(row.Verdict)).Append(" — ").Append(row.Note);
        }
        else
        {
            line.Append(row.Value);
            if (row.Baseline.Length > 0)
            {
                line.Append("  ").Append(BaselineName).Append(' ').Append(row.Baseline).Append(T("  ratio ", "  比值 ")).Append(row.Ratio);
            }

            if (row.Target.Length > 0)
            {
                line.Append(T("  target ", "  目标 ")).Append(row.Target);
            }

            if (row.Verdict != Verdict.None)
            {
                line.Append("  → ").Append(VerdictText(row.Verdict).Trim('*'));
            }

            if (row.Note.Length > 0)
            {
                line.Append("  (").Append(row.Note).Append(')');
            }
        }

        Console.WriteLine(line);
        foreach (var sample in errorSamples)
        {
            Console.WriteLine(T("    error: ", "    错误：") + sample);
        }
    }
}
