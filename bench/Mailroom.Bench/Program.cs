using Mailroom.Bench;
using static Mailroom.Bench.Text;

// The hidden baseline command: the bench starts itself as the bare Kestrel server.
if (args is ["bare-server", .. var hostArguments])
{
    await BareServer.RunAsync(hostArguments);
    return 0;
}

// The hidden load generator of the listen benchmark: the bench starts itself as its child.
if (args is ["listen-load", .. var loadArguments])
{
    return await ListenLoadWorker.RunAsync(loadArguments);
}

if (args is ["listen", .. var listenArguments])
{
    return await ListenCommand.RunAsync(listenArguments);
}

if (args is not [("directory" or "mail") and var command, .. var rest])
{
    Console.Error.WriteLine(BenchOptions.Usage);
    Console.Error.WriteLine(ListenBenchOptions.Usage);
    return 2;
}

var options = BenchOptions.Parse(rest, out var problem);
if (options is null)
{
    Console.Error.WriteLine(problem);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

var serverDll = options.ServerDll ?? ServerLocation.Find();
if (serverDll is null || !File.Exists(serverDll))
{
    Console.Error.WriteLine(T(
        $"Mailroom.Server.dll not found ({serverDll ?? ServerLocation.Expected}); build the solution in the same configuration or pass --server-dll.",
        $"找不到 Mailroom.Server.dll（{serverDll ?? ServerLocation.Expected}）；请以相同配置构建解决方案，或使用 --server-dll。"));
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl+C stops the run and lets every server process be killed on the way out.
    e.Cancel = true;
    stop.Cancel();
};

var report = new Report();
try
{
    if (command == "mail")
    {
        await new MailBenchmark(options, serverDll, report).RunAsync(stop.Token);
    }
    else
    {
        await new DirectoryBenchmark(options, serverDll, report).RunAsync(stop.Token);
    }
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    Console.WriteLine();
    Console.WriteLine(T("Stopped.", "已停止。"));
    return 130;
}
catch (InvalidOperationException e)
{
    // A server that would not start or serve: nothing more can be measured.
    Console.Error.WriteLine(e.Message);
    return 1;
}

return await report.FinishAsync(options.Out);
