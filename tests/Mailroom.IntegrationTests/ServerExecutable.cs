using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mailroom.IntegrationTests;

/// <summary>The built server executable, run as a child process the way an operator runs it.</summary>
public static class ServerExecutable
{
    /// <summary>artifacts/bin/Mailroom.Server/&lt;configuration&gt;/Mailroom.Server.dll, beside the tests' own output.</summary>
    public static string DllPath { get; } = Locate();

    public static string Directory => Path.GetDirectoryName(DllPath)!;

    /// <summary>The dotnet host running the tests (dotnet test sets DOTNET_HOST_PATH), else the one on PATH.</summary>
    public static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>A loopback port nobody listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static ProcessStartInfo StartInfo(IEnumerable<string> args, IDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo(DotnetHost)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            // The server's own directory: appsettings.json is read from there, as when an operator runs it.
            WorkingDirectory = Directory,
        };
        info.ArgumentList.Add(DllPath);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // English unless a test asks otherwise, whatever the machine's locale.
        info.Environment.Remove("LC_ALL");
        info.Environment.Remove("LC_MESSAGES");
        info.Environment["LANG"] = "C.UTF-8";
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[name] = value;
        }

        return info;
    }

    /// <summary>Runs an operator command to completion (at most a minute).</summary>
    public static async Task<CommandResult> RunCommandAsync(IEnumerable<string> args, IDictionary<string, string?>? environment = null)
    {
        using var process = Process.Start(StartInfo(args, environment))!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(1));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw;
        }

        return new CommandResult(process.ExitCode, await output, await errors);
    }

    /// <summary>Creates an enterprise with the operator command; its domain, administrator and interface key.</summary>
    public static async Task<(string Domain, string Admin, string Secret)> CreateEnterpriseAsync(string dataDir, string prefix)
    {
        var domain = $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}.example";
        var admin = $"{prefix}-admin-{Guid.NewGuid().ToString("N")[..8]}";
        var created = await RunCommandAsync(["enterprise", "create", "--domain", domain, "--admin", admin, $"--Mailroom:DataDir={dataDir}"]);
        Assert.True(created.ExitCode == 0, created.ToString());
        return (domain, admin, created.Output.Trim());
    }

    private static string Locate()
    {
        var testOutput = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        var configuration = Path.GetFileName(testOutput);
        var path = Path.GetFullPath(Path.Combine(testOutput, "..", "..", "Mailroom.Server", configuration, "Mailroom.Server.dll"));
        return File.Exists(path) ? path : throw new FileNotFoundException("Build the server first: it is not beside the tests' output.", path);
    }
}

/// <summary>What a command printed and its exit code.</summary>
public sealed record CommandResult(int ExitCode, string Output, string Errors)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Errors}";
}
