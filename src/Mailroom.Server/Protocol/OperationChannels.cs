namespace Mailroom.Server.Protocol;

/// <summary>Where an operation-log line came from (its "source" in the console, 来源).</summary>
internal static class OperationChannels
{
    /// <summary>An open-protocol call.</summary>
    public const string Api = "api";

    /// <summary>The administrator's console (/admin).</summary>
    public const string Console = "console";

    /// <summary>An operator command of the server executable.</summary>
    public const string Operator = "operator";

    public static IReadOnlyList<string> All { get; } = [Api, Console, Operator];
}
