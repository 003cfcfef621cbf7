namespace Mailroom.Server.Admin;

/// <summary>
/// The operator's commands, run by the server executable itself
/// (<c>Mailroom.Server enterprise create --domain corp.example --admin it-admin</c>). Exit codes:
/// 0 done, 1 refused (or failed), 2 usage error. Without a command word the executable starts the server.
/// </summary>
internal static class OperatorCommands
{
    public const string Executable = "Mailroom.Server";

    private static readonly OperatorCommand[] Commands = [.. EnterpriseCommands.All, .. OperationCommands.All];

    /// <summary>
    /// True when <paramref name="args"/> name an operator command rather than the server: the first
    /// word that is not a setting (<c>--Key=value</c>, <c>--Key value</c>) is a command group or
    /// <c>help</c>, so settings may come before the command too.
    /// </summary>
    public static bool IsCommand(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg is "--help" or "-h" or "-?")
            {
                return true;
            }

            if (arg.StartsWith('-'))
            {
                i += arg.Contains('=', StringComparison.Ordinal) ? 0 : 1;
                continue;
            }

            return arg == "help" || Commands.Any(c => c.Group.Equals(arg, StringComparison.OrdinalIgnoreCase));
        }

        return false;
    }

    /// <summary>Runs the command on the process's console; Ctrl+C cancels it.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        void OnCancel(object? sender, ConsoleCancelEventArgs e)
        {
            e.Cancel = true;
            cancel.Cancel();
        }

        Console.CancelKeyPress += OnCancel;
        try
        {
            return await RunAsync(args, OperatorConsole.FromProcess(), cancel.Token);
        }
        finally
        {
            Console.CancelKeyPress -= OnCancel;
        }
    }

    public static async Task<int> RunAsync(IReadOnlyList<string> args, OperatorConsole console, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(console);
        var parsed = OperatorArguments.Parse(args, out var error);
        if (parsed is null)
        {
            return console.Usage(error.English, error.Chinese, Executable);
        }

        var words = parsed.Words;
        if (words.Count == 0 || words[0] == "help")
        {
            WriteOverview(console);
            return OperatorConsole.Success;
        }

        var group = Commands.Where(c => c.Group.Equals(words[0], StringComparison.OrdinalIgnoreCase)).ToList();
        var command = words.Count > 1 ? group.FirstOrDefault(c => c.Name.Equals(words[1], StringComparison.OrdinalIgnoreCase)) : null;
        if (command is null)
        {
            if (words.Count == 1 && parsed.Help)
            {
                WriteOverview(console, words[0]);
                return OperatorConsole.Success;
            }

            return words.Count == 1
                ? console.Usage($"'{words[0]}' needs a command: {string.Join(", ", group.Select(c => c.Name))}.", $"“{words[0]}”后须跟子命令：{string.Join("、", group.Select(c => c.Name))}。", $"{Executable} {words[0]}")
                : console.Usage($"unknown command '{words[0]} {words[1]}'.", $"未知命令“{words[0]} {words[1]}”。", $"{Executable} {words[0]}");
        }

        var usage = $"{Executable} {command.Words}";
        if (parsed.Help)
        {
            console.Result(console.Text(command.Help.English, command.Help.Chinese));
            return OperatorConsole.Success;
        }

        if (words.Count > 2)
        {
            return console.Usage($"unexpected argument '{words[2]}'.", $"多余的参数“{words[2]}”。", usage);
        }

        if (parsed.FirstUnknown(command.Options) is { } unknown)
        {
            return console.Usage($"'{command.Words}' has no option --{unknown}.", $"“{command.Words}”没有选项 --{unknown}。", usage);
        }

        try
        {
            return await command.RunAsync(parsed, console, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The boundary of a command: the operator gets the reason, the exit code says it failed.
            console.Note($"Failed: {e.Message}", $"执行失败：{e.Message}");
            return OperatorConsole.Refused;
        }
    }

    private static void WriteOverview(OperatorConsole console, string? group = null)
    {
        console.Result(console.Text(
            $"""
            Mailroom operator commands. Without a command, {Executable} starts the server.
            Usage: {Executable} <command> [options] [--Mailroom:Key=value ...]

            Commands:
            """,
            $"""
            Mailroom 运维命令。不带命令时，{Executable} 启动服务器。
            用法：{Executable} <命令> [选项] [--Mailroom:配置项=值 ...]

            命令：
            """));
        var shown = Commands.Where(c => group is null || c.Group.Equals(group, StringComparison.OrdinalIgnoreCase)).ToList();
        var width = shown.Max(c => c.Words.Length);
        foreach (var command in shown)
        {
            console.Result($"  {command.Words.PadRight(width)}  {console.Text(command.Summary.English, command.Summary.Chinese)}");
        }

        console.Result(console.Text(
            $"""

            The commands read the server's configuration: appsettings.json, environment variables
            (Mailroom__DataDir=...) and --Mailroom:Key=value arguments. A running server applies their
            changes within Mailroom:Auth:ClientRefreshMilliseconds.
            Run '{Executable} <command> --help' for a command's options.
            """,
            $"""

            命令读取与服务器相同的配置：appsettings.json、环境变量（Mailroom__DataDir=...）
            以及 --Mailroom:配置项=值 参数。正在运行的服务器会在 Mailroom:Auth:ClientRefreshMilliseconds
            毫秒内应用这些更改。
            运行“{Executable} <命令> --help”查看命令的选项。
            """));
    }
}
