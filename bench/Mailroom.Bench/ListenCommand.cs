using static Mailroom.Bench.Text;

namespace Mailroom.Bench;

/// <summary>The <c>listen</c> command: options, the servers' build, Ctrl+C, and the summary.</summary>
internal static class ListenCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = ListenBenchOptions.Parse(args, out var problem);
        if (options is null)
        {
            await Console.Error.WriteLineAsync(problem);
            await Console.Error.WriteLineAsync(ListenBenchOptions.Usage);
            return 2;
        }

        var serverDll = options.ServerDll ?? ServerLocation.Find();
        if (serverDll is null || !File.Exists(serverDll))
        {
            await Console.Error.WriteLineAsync(T(
                $"Mailroom.Server.dll not found ({serverDll ?? ServerLocation.Expected}); build the solution in the same configuration or pass --server-dll.",
                $"找不到 Mailroom.Server.dll（{serverDll ?? ServerLocation.Expected}）；请以相同配置构建解决方案，或使用 --server-dll。"));
            return 2;
        }

        // The server holds one file per listen; each load generator about half of them.
        if (OpenFileLimit() is { } limit && limit < options.Top + 500)
        {
            await Console.Error.WriteLineAsync(T(
                $"The open-file limit is {limit}; {options.Top:N0} held listens need {options.Top + 500:N0} (ulimit -n {options.Top + 500}).",
                $"打开文件数上限为 {limit}；挂起 {options.Top:N0} 个 listen 需要 {options.Top + 500:N0}（ulimit -n {options.Top + 500}）。"));
            return 2;
        }

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };

        var report = new Report();
        try
        {
            await new ListenBenchmark(options, serverDll, report).RunAsync(stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            Console.WriteLine();
            Console.WriteLine(T("Stopped.", "已停止。"));
            return 130;
        }
        catch (InvalidOperationException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 1;
        }

        return await report.FinishAsync(options.Out);
    }

    private static long? OpenFileLimit()
    {
        try
        {
            var line = File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
            var soft = line?["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
            return long.TryParse(soft, out var value) ? value : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
