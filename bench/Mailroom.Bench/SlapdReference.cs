using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using static Mailroom.Bench.Text;

namespace Mailroom.Bench;

/// <summary>
/// The reference for user/sync, measured on this machine in the same run: OpenLDAP's slapd
/// with the mdb backend, adding and then modifying the same number of entries with ldapadd and
/// ldapmodify, one operation at a time over one connection. "Full" syncs every transaction (mdb's
/// default), "Normal" runs with dbnosync. Needs Debian's slapd and ldap-utils.
/// </summary>
internal static class SlapdReference
{
    private const string Slapd = "/usr/sbin/slapd";
    private const string LdapAdd = "/usr/bin/ldapadd";
    private const string LdapModify = "/usr/bin/ldapmodify";
    private const string SchemaDir = "/etc/ldap/schema";
    private const string Suffix = "dc=gzdev,dc=com";
    private const string RootDn = "cn=admin," + Suffix;
    private const string RootPassword = "bench-secret";

    /// <summary>Why the reference cannot run here; null when it can.</summary>
    public static string? Missing() =>
        File.Exists(Slapd) && File.Exists(LdapAdd) && File.Exists(LdapModify) && File.Exists(Path.Combine(SchemaDir, "inetorgperson.schema"))
            ? null
            : T("slapd is not installed (apt-get install slapd ldap-utils)", "未安装 slapd（apt-get install slapd ldap-utils）");

    /// <summary>Adds/s and modifies/s of <paramref name="count"/> entries; throws with slapd's words when it fails.</summary>
    public static async Task<(double Adds, double Mods)> MeasureAsync(string dir, bool syncEveryCommit, int count, CancellationToken cancellationToken)
    {
        var db = Path.Combine(dir, "db");
        System.IO.Directory.CreateDirectory(db);
        var config = Path.Combine(dir, "slapd.conf");
        await File.WriteAllTextAsync(config, Config(db, syncEveryCommit), cancellationToken);
        var (adds, mods) = await WriteLdifAsync(dir, count, cancellationToken);
        var port = FreePort();
        var url = $"ldap://127.0.0.1:{port}/";

        // -d 0: stay in the foreground without debug output, so that the bench owns the process.
        // Only its errors are read (stdout is left alone: a redirected pipe nobody drains could block it).
        using var slapd = Process.Start(new ProcessStartInfo(Slapd, ["-f", config, "-h", url, "-d", "0"])
        {
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("slapd did not start");
        var slapdOutput = slapd.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await WaitForPortAsync(port, slapd, cancellationToken);
            await RunAsync(LdapAdd, url, Path.Combine(dir, "base.ldif"), cancellationToken);
            var added = await TimeAsync(LdapAdd, url, adds, cancellationToken);
            var modified = await TimeAsync(LdapModify, url, mods, cancellationToken);
            return (count / added.TotalSeconds, count / modified.TotalSeconds);
        }
        catch (InvalidOperationException e) when (slapd.HasExited)
        {
            throw new InvalidOperationException($"{e.Message}; slapd: {(await slapdOutput).Trim()}", e);
        }
        finally
        {
            if (!slapd.HasExited)
            {
                slapd.Kill(entireProcessTree: true);
            }

            await slapd.WaitForExitAsync(CancellationToken.None);
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

    // The entries carry what a user/sync ADD and MOD carry: name, address, password; new name and position.
    private static async Task<(string Adds, string Mods)> WriteLdifAsync(string dir, int count, CancellationToken cancellationToken)
    {
        await File.WriteAllTextAsync(
            Path.Combine(dir, "base.ldif"),
            $"dn: {Suffix}\nobjectClass: dcObject\nobjectClass: organization\no: gzdev\ndc: gzdev\n\n",
            cancellationToken);
        var adds = new StringBuilder();
        var mods = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            var uid = string.Create(CultureInfo.InvariantCulture, $"s{i}");
            adds.Append(CultureInfo.InvariantCulture, $"dn: uid={uid},{Suffix}\nobjectClass: inetOrgPerson\nuid: {uid}\ncn: 成员 {i}\nsn: {uid}\nmail: {uid}@gzdev.com\nuserPassword: Passw0rd-{i}\n\n");
            mods.Append(CultureInfo.InvariantCulture, $"dn: uid={uid},{Suffix}\nchangetype: modify\nreplace: cn\ncn: 成员 {i}·新\n-\nreplace: title\ntitle: 工程师\n-\n\n");
        }

        var addsFile = Path.Combine(dir, "adds.ldif");
        var modsFile = Path.Combine(dir, "mods.ldif");
        await File.WriteAllTextAsync(addsFile, adds.ToString(), cancellationToken);
        await File.WriteAllTextAsync(modsFile, mods.ToString(), cancellationToken);
        return (addsFile, modsFile);
    }

    private static async Task<TimeSpan> TimeAsync(string tool, string url, string ldif, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await RunAsync(tool, url, ldif, cancellationToken);
        return Stopwatch.GetElapsedTime(started);
    }

    private static async Task RunAsync(string tool, string url, string ldif, CancellationToken cancellationToken)
    {
        using var process = Process.Start(new ProcessStartInfo(tool, ["-x", "-D", RootDn, "-w", RootPassword, "-H", url, "-f", ldif])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        }) ?? throw new InvalidOperationException($"{tool} did not start");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = await process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        await output;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(tool)} exited with {process.ExitCode}: {errors.Trim()}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitForPortAsync(int port, Process slapd, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 15;
        while (true)
        {
            if (slapd.HasExited)
            {
                throw new InvalidOperationException($"slapd exited with {slapd.ExitCode}");
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
