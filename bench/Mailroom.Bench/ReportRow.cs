namespace Mailroom.Bench;

/// <summary>One figure of the summary, already formatted.</summary>
internal sealed record ReportRow(string Measurement, string Value, string Baseline, string Ratio, string Target, Verdict Verdict, string Note);
