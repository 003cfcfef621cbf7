using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using static Mailroom.Bench.Text;

namespace Mailroom.Bench;

/// <summary>
/// The reference for user/sync, run on this machine in the same run: OpenLDAP's slapd with
/// the mdb backend on a loopback port, adding and then modifying entries one operation at a time
/// over one connection (<see cref="LdapConnection"/>, pre-encoded requests like Mailroom's).
/// "Full" syncs every transaction (mdb's default), "Normal" runs with dbnosync. Needs Debian's slapd.
/// </summary>
internal sealed class SlapdReference : IAsyncDisposable
{
    private const string Slapd = "/usr/sbin/slapd";
    private const string SchemaDir = "/etc/ldap/schema";
    private const string Suffix = "dc=gzdev,dc=com";
    private const string RootDn = "cn=admin," + Suffix;
    private const string RootPassword = "bench-secret";

    private readonly Process _process;

    private SlapdReference(Process process, IPEndPoint endPoint)
    {
        _process = process;
        EndPoint = endPoint;
    }

    public IPEndPoint EndPoint { get; }

    public int ProcessId => _process.Id;

    /// <summary>Why the reference cannot run here; null when it can.</summary>
    public static string? Missing() =>
        File.Exists(Slapd) && File.Exists(Path.Combine(SchemaDir, "inetorgperson.schema"))
            ? null
            : T("slapd is not installed (apt-get install slapd)", "未安装 slapd（apt-get install slapd）");

    /// <summary>Starts slapd on an empty database in <paramref name="dir"/> holding the base entry; throws with slapd's words when it fails.</summary>
    public static async Task<SlapdReference> StartAsync(string dir, bool syncEveryCommit, CancellationToken cancellationToken)
    {
        var db = Path.Combine(dir, "db");
        System.IO.Directory.CreateDirectory(db);
        var config = Path.Combine(dir, "slapd.conf");
        await File.WriteAllTextAsync(config, Config(db, syncEveryCommit), cancellationToken);
        var port = FreePort();

        // -d 0: stay in the foreground without debug output, so that the bench owns the process.
        // Its errors go to a file: a redirected pipe that nobody drains while it is paused could block it.
        var errors = Path.Combine(dir, "slapd.err");
        var process = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", $"exec {Slapd} -f '{config}' -h ldap://127.0.0.1:{port}/ -d 0 2>'{errors}'"]))
            ?? throw new InvalidOperationException("slapd did not start");
        var slapd = new SlapdReference(process, new IPEndPoint(IPAddress.Loopback, port));
        try
        {
            await WaitForPortAsync(port, process, errors, cancellationToken);
            using var connection = slapd.Connect();
            Check(connection.Call(LdapMessages.Add(2, Suffix, [("objectClass", ["dcObject", "organization"]), ("o", ["gzdev"]), ("dc", ["gzdev"])])), "adding the base entry");
            return slapd;
        }
        catch
        {
            await slapd.DisposeAsync();
            throw;
        }
    }

    /// <summary>A connection bound as the directory's administrator.</summary>
    public LdapConnection Connect()
    {
        var connection = LdapConnection.Open(EndPoint);
        try
        {
            Check(connection.Call(LdapMessages.Bind(1, RootDn, RootPassword)), "binding");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>The adds of entries named <paramref name="prefix"/>0… as user/sync ADD carries them: name, address, password.</summary>
    public static List<byte[]> Adds(string prefix, int count) =>
        [.. Enumerable.Range(0, count).Select(i =>
        {
            var uid = string.Create(CultureInfo.InvariantCulture, $"{prefix}{i}");
            return LdapMessages.Add(2 + i, $"uid={uid},{Suffix}", [
                ("objectClass", ["inetOrgPerson"]), ("uid", [uid]), ("cn", [string.Create(CultureInfo.InvariantCulture, $"成员 {i}")]), ("sn", [uid]),
                ("mail", [$"{uid}@gzdev.com"]), ("userPassword", [string.Create(CultureInfo.InvariantCulture, $"Passw0rd-{i}")])]);
        })];

    /// <summary>The modifies of those entries as user/sync MOD carries them: a new name and a position.</summary>
    public static List<byte[]> Mods(string prefix, int count) =>
        [.. Enumerable.Range(0, count).Select(i => LdapMessages.Modify(
            2 + i,
            string.Create(CultureInfo.InvariantCulture, $"uid={prefix}{i},{Suffix}"),
            [("cn", string.Create(CultureInfo.InvariantCulture, $"成员 {i}·新")), ("title", "工程师")]))];

    public async ValueTask DisposeAsync()
    {
        ProcessPause.Resume(_process.Id);
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync(CancellationToken.None);
        _process.Dispose();
    }

    private static void Check(int resultCode, string what)
    {
        if (resultCode != 0)
        {
            throw new InvalidOperationException($"slapd refused {what}: LDAP result {resultCode}");
        }
    }

    private static string Config(string db, bool syncEveryCommit) =>
        $"""
        include {SchemaDir}/core.schema
        include {SchemaDir}/cosine.schema
        include {SchemaDir}/inetorgperson.schema
        modulepath /usr/lib/ldap
        moduleload back_mdb
        database mdb
        maxsize 1073741824
        suffix "{Suffix}"
        rootdn "{RootDn}"
        rootpw {RootPassword}
        directory {db}
        index objectClass eq
        index mail eq
        {(syncEveryCommit ? "" : "dbnosync")}

        """;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitForPortAsync(int port, Process slapd, string errors, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 15;
        while (true)
        {
            if (slapd.HasExited)
            {
                var said = File.Exists(errors) ? (await File.ReadAllTextAsync(errors, cancellationToken)).Trim() : "";
                throw new InvalidOperationException($"slapd exited with {slapd.ExitCode}: {said}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return;
            }
            catch (SocketException) when (Stopwatch.GetTimestamp() < deadline)
            {
                await Task.Delay(50, cancellationToken);
            }
        }
    }
}
