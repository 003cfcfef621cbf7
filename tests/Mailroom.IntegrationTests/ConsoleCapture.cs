namespace Mailroom.IntegrationTests;

/// <summary>
/// Tests that redirect the process's Console (or set its locale variables) run alone, after the
/// parallel ones, so that nothing else writes into what they capture.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCapture
{
    public const string Name = "Console";
}
