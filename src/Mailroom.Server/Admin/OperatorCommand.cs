namespace Mailroom.Server.Admin;

/// <summary>One operator command: its words, the options it accepts, its help, and what it does.</summary>
internal sealed record OperatorCommand(
    string Group,
    string Name,
    string[] Options,
    (string English, string Chinese) Summary,
    (string English, string Chinese) Help,
    Func<OperatorArguments, OperatorConsole, CancellationToken, Task<int>> RunAsync)
{
    public string Words => $"{Group} {Name}";
}
