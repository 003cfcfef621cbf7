using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Threading.Channels;
using static Mailroom.Bench.Text;

namespace Mailroom.Bench;

/// <summary>
/// A <c>listen-load</c> child process (see <see cref="ListenLoadWorker"/>) as the benchmark drives
/// it: one command line in, one answer line out. Killed on dispose and when the benchmark exits.
/// </summary>
internal sealed class LoadProcess : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<int, Process> Running = new();
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();

    static LoadProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var process in Running.Values)
            {
                Kill(process);
            }
        };
    }

    private LoadProcess(Process process, int connections)
    {
        _process = process;
        Connections = connections;
    }

    public int Connections { get; }

    /// <summary>Starts a child that opens <paramref name="connections"/> connections from <paramref name="bind"/>.</summary>
    public static async Task<LoadProcess> StartAsync(IPEndPoint server, int connections, string path, string token, IPAddress bind, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(ServerProcess.DotnetHost())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "exec", typeof(LoadProcess).Assembly.Location, "listen-load",
            "--host", server.Address.ToString(), "--port", server.Port.ToString(CultureInfo.InvariantCulture),
            "--connections", connections.ToString(CultureInfo.InvariantCulture), "--path", path, "--token", token, "--bind", bind.ToString(),
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var load = new LoadProcess(process, connections);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                load._lines.Writer.TryComplete();
            }
            else
            {
                load._lines.Writer.TryWrite(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (!string.IsNullOrEmpty(e.Data))
            {
                Console.WriteLine($"  [load] {e.Data}");
            }
        };
        process.Start();
        Running[process.Id] = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await load.ExpectAsync("opened", TimeSpan.FromMinutes(2), cancellationToken);
            return load;
        }
        catch
        {
            await load.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends a command without waiting for its answer.</summary>
    public Task SendAsync(string command) => _process.StandardInput.WriteLineAsync(command);

    /// <summary>Sends a command and returns the fields of its answer line.</summary>
    public async Task<string[]> CallAsync(string command, string answer, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await SendAsync(command);
        return await ExpectAsync(answer, timeout, cancellationToken);
    }

    /// <summary>The next line starting with <paramref name="prefix"/>, split at spaces.</summary>
    /// <exception cref="InvalidOperationException">The child ended or did not answer in time.</exception>
    public async Task<string[]> ExpectAsync(string prefix, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (true)
            {
                var line = await _lines.Reader.ReadAsync(deadline.Token);
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return line.Split(' ');
                }

                Console.WriteLine($"  [load] {line}");
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new InvalidOperationException(T($"The load generator did not answer \"{prefix}\" within {timeout.TotalSeconds:0} s.", $"负载生成器在 {timeout.TotalSeconds:0} 秒内没有回应“{prefix}”。"));
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException(T("The load generator ended.", "负载生成器已退出。"));
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                await _process.StandardInput.WriteLineAsync("quit");
            }

            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            Kill(_process);
        }

        Running.TryRemove(_process.Id, out _);
        _process.Dispose();
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
            // Already gone.
        }
    }
}
