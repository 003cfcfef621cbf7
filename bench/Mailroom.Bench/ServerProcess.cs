using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using static Mailroom.Bench.Text;

namespace Mailroom.Bench;

/// <summary>
/// A server under test in its own process on a loopback port chosen by the OS, so Mailroom and
/// the bare baseline run the same way and the load generator's CPU is not theirs. The process is
/// killed on dispose, on Ctrl+C and when the benchmark exits.
/// </summary>
internal sealed partial class ServerProcess : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<int, Process> Running = new();
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly string? _dataDir;
    private readonly TaskCompletionSource<IPEndPoint> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<IPEndPoint> _smtpListening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    static ServerProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
    }

    private ServerProcess(string name, ProcessStartInfo start, string? dataDir)
    {
        Name = name;
        _dataDir = dataDir;
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnOutput(e.Data);
        _process.ErrorDataReceived += (_, e) => OnOutput(e.Data);
        _process.Exited += (_, _) =>
        {
            var exited = new InvalidOperationException(T(
                $"The {Name} server exited before it listened.",
                $"{Name} 服务器在开始监听前就退出了。"));
            _listening.TrySetException(exited);
            _smtpListening.TrySetException(exited);
        };
    }

    public string Name { get; }

    public int ProcessId => _process.Id;

    public IPEndPoint EndPoint { get; private set; } = new(IPAddress.Loopback, 0);

    /// <summary>Mailroom's inbound SMTP listener, once it listens (it opens after HTTP; a bare server never does).</summary>
    public Task<IPEndPoint> SmtpEndPointAsync(CancellationToken cancellationToken) => _smtpListening.Task.WaitAsync(StartTimeout, cancellationToken);

    /// <summary>CPU time the server process has used so far (user and kernel).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>Starts the bare Kestrel baseline: this program's own hidden <c>bare-server</c> command.</summary>
    public static Task<ServerProcess> StartBareAsync(CancellationToken cancellationToken)
    {
        var self = typeof(ServerProcess).Assembly.Location;
        return StartAsync("bare", self, ["bare-server", .. CommonArguments], dataDir: null, cancellationToken);
    }

    /// <summary>Resident memory of the server process now (VmRSS), in bytes; 0 where /proc is not available.</summary>
    public long ResidentBytes
    {
        get
        {
            try
            {
                foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
                {
                    if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    {
                        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
                    }
                }
            }
            catch (IOException)
            {
                // Not Linux, or the process is gone.
            }

            return 0;
        }
    }

    /// <summary>Starts Mailroom.Server with a fresh data directory and the demo enterprise.</summary>
    public static Task<ServerProcess> StartMailroomAsync(string name, string serverDll, string dataDir, string durability, string demoSecret, CancellationToken cancellationToken, params string[] settings)
    {
        System.IO.Directory.CreateDirectory(dataDir);
        string[] arguments =
        [
            .. CommonArguments,
            $"--Mailroom:DataDir={dataDir}",
            $"--Mailroom:Durability={durability}",
            "--Mailroom:Demo:Enabled=true",
            $"--Mailroom:Demo:Domain={MailroomApi.Domain}",
            $"--Mailroom:Demo:Admin={MailroomApi.ClientId}",
            $"--Mailroom:Demo:Secret={demoSecret}",

            // SMTP on free ports, and the line that says which (the mail benchmark reads it).
            "--Mailroom:Smtp:Port=0",
            "--Mailroom:Smtp:SubmissionPort=0",
            "--Logging:LogLevel:Mailroom.Server.Mail.SmtpHost=Information",
            .. settings,
        ];
        return StartAsync(name, serverDll, arguments, dataDir, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        Kill(_process);
        await _process.WaitForExitAsync(CancellationToken.None);
        Running.TryRemove(_process.Id, out _);
        _process.Dispose();
        if (_dataDir is not null)
        {
            try
            {
                System.IO.Directory.Delete(_dataDir, recursive: true);
            }
            catch (IOException e)
            {
                Console.WriteLine(T($"  (could not delete {_dataDir}: {e.Message})", $"  （无法删除 {_dataDir}：{e.Message}）"));
            }
        }
    }

    /// <summary>Both servers get the same host settings: loopback, OS-chosen port, warnings only.</summary>
    private static string[] CommonArguments =>
    [
        "--urls=http://127.0.0.1:0",
        "--Logging:LogLevel:Default=Warning",
        "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information",
    ];

    private static async Task<ServerProcess> StartAsync(string name, string dll, string[] arguments, string? dataDir, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The same runtime settings for both servers, whatever the caller's environment says.
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";

        var server = new ServerProcess(name, start, dataDir);
        try
        {
            await server.StartAndWaitAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    internal static string DotnetHost()
    {
        var fromSdk = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromSdk) && File.Exists(fromSdk))
        {
            return fromSdk;
        }

        // <root>/shared/Microsoft.NETCore.App/<version>/ → <root>/dotnet
        var root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var host = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return File.Exists(host) ? host : "dotnet";
    }

    private static void KillAll()
    {
        foreach (var process in Running.Values)
        {
            Kill(process);
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone.
        }
    }

    [GeneratedRegex(@"Now listening on: http://(?<address>[0-9.]+):(?<port>\d+)")]
    private static partial Regex ListeningLine();

    [GeneratedRegex(@"SMTP (?<kind>inbound|submission) listening on (?<address>[0-9.]+):(?<port>\d+)")]
    private static partial Regex SmtpListeningLine();

    private async Task StartAndWaitAsync(CancellationToken cancellationToken)
    {
        _process.Start();
        Running[_process.Id] = _process;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        try
        {
            EndPoint = await _listening.Task.WaitAsync(StartTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException(T(
                $"The {Name} server did not listen within {StartTimeout.TotalSeconds:0} s.",
                $"{Name} 服务器在 {StartTimeout.TotalSeconds:0} 秒内没有开始监听。"));
        }
    }

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new IPEndPoint(IPAddress.Parse(match.Groups["address"].Value), int.Parse(match.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture)));
            return;
        }

        if (SmtpListeningLine().Match(line) is { Success: true } smtp)
        {
            if (smtp.Groups["kind"].Value == "inbound")
            {
                _smtpListening.TrySetResult(new IPEndPoint(IPAddress.Parse(smtp.Groups["address"].Value), int.Parse(smtp.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture)));
            }

            return;
        }

        if (line.StartsWith("info: Mailroom.Server.Mail.SmtpHost", StringComparison.Ordinal))
        {
            return;
        }

        // Lifetime chatter is expected; anything else a server says is worth seeing.
        if (line.StartsWith("info: Microsoft.Hosting.Lifetime", StringComparison.Ordinal) || line.StartsWith("      Application started", StringComparison.Ordinal)
            || line.StartsWith("      Hosting environment", StringComparison.Ordinal) || line.StartsWith("      Content root path", StringComparison.Ordinal)
            || line.StartsWith("      Application is shutting down", StringComparison.Ordinal))
        {
            return;
        }

        Console.WriteLine($"  [{Name}] {line}");
    }
}
