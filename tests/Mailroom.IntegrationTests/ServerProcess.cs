using System.Diagnostics;
using System.Text;

namespace Mailroom.IntegrationTests;

/// <summary>
/// The real server executable as a child process, for what an in-process host cannot show:
/// configuration from the command line, HTTPS listeners, and a crash (SIGKILL).
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private ServerProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    /// <summary>The address the readiness probe used.</summary>
    public Uri Address { get; }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts the server and waits until <paramref name="address"/> answers HTTP (at most a minute).</summary>
    public static async Task<ServerProcess> StartAsync(Uri address, IEnumerable<string> args, HttpMessageHandler? handler = null)
    {
        // SMTP on any free ports unless a test names them (later arguments win).
        var process = new Process { StartInfo = ServerExecutable.StartInfo(["--Mailroom:Smtp:Port=0", "--Mailroom:Smtp:SubmissionPort=0", .. args]) };
        var server = new ServerProcess(process, address);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var client = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        client.Timeout = TimeSpan.FromSeconds(5);
        var started = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                var log = server.Log;
                await server.DisposeAsync();
                Assert.Fail($"The server exited with {process.ExitCode} before answering:\n{log}");
            }

            try
            {
                using var probe = await client.GetAsync(new Uri(address, "/cgi-bin/token"), TestContext.Current.CancellationToken);
                return server;
            }
            // Not listening yet, or listening but too busy starting to answer within the probe's
            // timeout (seen on a loaded CI machine): try again until the minute is up.
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException
                && !TestContext.Current.CancellationToken.IsCancellationRequested
                && started.Elapsed < TimeSpan.FromMinutes(1))
            {
                await Task.Delay(50, TestContext.Current.CancellationToken);
            }
        }
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a crash or an OOM kill.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }
}
