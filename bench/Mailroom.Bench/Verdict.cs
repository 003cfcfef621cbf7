namespace Mailroom.Bench;

/// <summary>How a figure compares with its target.</summary>
internal enum Verdict
{
    /// <summary>Informational: no target.</summary>
    None,
    Pass,
    Fail,
    NotRun,
}
