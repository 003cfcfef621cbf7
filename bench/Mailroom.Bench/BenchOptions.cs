using System.Globalization;
using static Mailroom.Bench.OptionValues;
using static Mailroom.Bench.Text;

namespace Mailroom.Bench;

/// <summary>The command line of <c>directory</c> and <c>mail</c>; every size and duration can be changed.</summary>
internal sealed class BenchOptions
{
    public static readonly string[] AllParts = ["sync", "get", "token", "list"];

    /// <summary>Measured seconds of each throughput run.</summary>
    public double Seconds { get; private set; } = 5;

    /// <summary>Seconds of load before a throughput run starts counting.</summary>
    public double Warmup { get; private set; } = 3;

    /// <summary>
    /// Each throughput comparison alternates bare and Mailroom this many times, so that load from
    /// elsewhere on the machine hits both alike.
    /// </summary>
    public int Rounds { get; private set; } = 3;

    /// <summary>Keep-alive connections of the user/get and token runs.</summary>
    public int Connections { get; private set; } = 64;

    /// <summary>Members added then modified by each user/sync run.</summary>
    public int Members { get; private set; } = 10_000;

    /// <summary>Connections of the concurrent user/sync runs and of seeding.</summary>
    public int SyncConnections { get; private set; } = 16;

    /// <summary>Rounds of the one-connection user/sync rows, each a fresh slapd and Mailroom; the median counts.</summary>
    public int SyncRounds { get; private set; } = 3;

    /// <summary>Calls per chunk of the one-connection user/sync rows, which alternate between slapd and Mailroom.</summary>
    public int SyncChunk { get; private set; } = 500;

    /// <summary>Size of the enterprise that user/list is measured on.</summary>
    public int ListMembers { get; private set; } = 100_000;

    /// <summary>How many changes old the incremental user/list's Ver is.</summary>
    public int ListChanges { get; private set; } = 100;

    /// <summary>Repetitions of each user/list call; the median is reported.</summary>
    public int Runs { get; private set; } = 5;

    /// <summary>Distinct members user/get rotates over.</summary>
    public int GetMembers { get; private set; } = 1_000;

    /// <summary>Messages sent by each SMTP ingest run of <c>mail</c>.</summary>
    public int Messages { get; private set; } = 10_000;

    /// <summary>Concurrent SMTP sessions of the concurrent ingest run.</summary>
    public int Sessions { get; private set; } = 20;

    /// <summary>Messages of the push-latency run of <c>mail</c>, one at a time.</summary>
    public int PushMessages { get; private set; } = 1_000;

    /// <summary>Size of each benchmark message.</summary>
    public int MessageBytes { get; private set; } = 2048;

    public HashSet<string> Parts { get; } = new(AllParts, StringComparer.OrdinalIgnoreCase);

    /// <summary>Parent directory of the servers' data directories (must be a real disk for fsync to mean anything).</summary>
    public string DataRoot { get; private set; } = Path.GetTempPath();

    /// <summary>Mailroom.Server.dll to run; found next to the benchmark's own build output when not given.</summary>
    public string? ServerDll { get; private set; }

    /// <summary>Also write the markdown summary to this file.</summary>
    public string? Out { get; private set; }

    public static string Usage => T(
        """
        Usage: dotnet run -c Release --project bench/Mailroom.Bench -- directory [options]
          --seconds N          measured seconds per throughput run (5)
          --warmup N           warm-up seconds before the first run on a server (3)
          --rounds N           bare/Mailroom alternations per comparison (3)
          --connections N      connections for user/get and token (64)
          --members N          members per user/sync run (10000)
          --sync-connections N connections for concurrent user/sync and seeding (16)
          --sync-rounds N      rounds of the one-connection user/sync rows, each a fresh slapd and Mailroom (3)
          --sync-chunk N       calls per chunk, one-connection user/sync alternating slapd and Mailroom (500)
          --list-members N     enterprise size for user/list (100000)
          --list-changes N     how many changes old the incremental Ver is (100)
          --runs N             repetitions of each user/list call; the median counts (5)
          --get-members N      distinct members user/get rotates over (1000)
          --only a,b           run only these parts: sync, get, token, list
          --skip a,b           skip these parts
          --data-dir DIR       where the servers keep their data (system temp directory)
          --server-dll PATH    Mailroom.Server.dll to run (found next to this build)
          --out FILE           also write the markdown summary to FILE
          --lang en|zh         language of the output (from LANG)
        Usage: dotnet run -c Release --project bench/Mailroom.Bench -- mail [options]
          --messages N         messages per SMTP ingest run (10000)
          --sessions N         sessions of the concurrent ingest run (20)
          --message-bytes N    size of each message (2048)
          --push-messages N    messages of the push-latency run, one at a time (1000)
          --data-dir, --server-dll, --out, --lang as above
        """,
        """
        用法：dotnet run -c Release --project bench/Mailroom.Bench -- directory [选项]
          --seconds N          每次吞吐量测量的计时秒数（5）
          --warmup N           首次测量某服务器前的预热秒数（3）
          --rounds N           每项比较中裸服务器与 Mailroom 交替的轮数（3）
          --connections N      user/get 与 token 的连接数（64）
          --members N          每次 user/sync 测量新增再修改的成员数（10000）
          --sync-connections N 并发 user/sync 与填充数据的连接数（16）
          --sync-rounds N      单连接 user/sync 的轮数，每轮使用新的 slapd 与 Mailroom（3）
          --sync-chunk N       单连接 user/sync 在 slapd 与 Mailroom 之间交替时每段的调用数（500）
          --list-members N     测量 user/list 的企业成员数（100000）
          --list-changes N     增量 Ver 之后的变更数（100）
          --runs N             每个 user/list 调用的重复次数，取中位数（5）
          --get-members N      user/get 轮流查询的成员数（1000）
          --only a,b           只运行这些部分：sync、get、token、list
          --skip a,b           跳过这些部分
          --data-dir DIR       服务器数据目录的位置（系统临时目录）
          --server-dll PATH    要运行的 Mailroom.Server.dll（默认在本程序的构建输出旁查找）
          --out FILE           另将 markdown 摘要写入 FILE
          --lang en|zh         输出语言（默认取自 LANG）
        用法：dotnet run -c Release --project bench/Mailroom.Bench -- mail [选项]
          --messages N         每次 SMTP 收信测量发送的邮件数（10000）
          --sessions N         并发收信测量的会话数（20）
          --message-bytes N    每封邮件的大小（2048）
          --push-messages N    推送延迟测量逐封发送的邮件数（1000）
          --data-dir、--server-dll、--out、--lang 同上
        """);

    /// <summary>Parses the options after the subcommand; null with a message when they are wrong.</summary>
    public static BenchOptions? Parse(ReadOnlySpan<string> args, out string? problem)
    {
        var options = new BenchOptions();
        problem = OptionValues.ApplyPairs(args, (name, value) => name switch
        {
            "--seconds" => TryPositive(value, v => options.Seconds = v),
            "--warmup" => TryDouble(value, v => options.Warmup = v, allowZero: true),
            "--rounds" => TryCount(value, v => options.Rounds = v),
            "--connections" => TryCount(value, v => options.Connections = v),
            "--members" => TryCount(value, v => options.Members = v),
            "--sync-connections" => TryCount(value, v => options.SyncConnections = v),
            "--sync-rounds" => TryCount(value, v => options.SyncRounds = v),
            "--sync-chunk" => TryCount(value, v => options.SyncChunk = v),
            "--list-members" => TryCount(value, v => options.ListMembers = v),
            "--list-changes" => TryCount(value, v => options.ListChanges = v),
            "--runs" => TryCount(value, v => options.Runs = v),
            "--get-members" => TryCount(value, v => options.GetMembers = v),
            "--messages" => TryCount(value, v => options.Messages = v),
            "--sessions" => TryCount(value, v => options.Sessions = v),
            "--push-messages" => TryCount(value, v => options.PushMessages = v),
            "--message-bytes" => TryCount(value, v => options.MessageBytes = Math.Max(256, v)),
            "--only" => OptionValues.SelectParts(options.Parts, AllParts, value, only: true),
            "--skip" => OptionValues.SelectParts(options.Parts, AllParts, value, only: false),
            "--data-dir" => Set(() => options.DataRoot = Path.GetFullPath(value)),
            "--server-dll" => Set(() => options.ServerDll = Path.GetFullPath(value)),
            "--out" => Set(() => options.Out = Path.GetFullPath(value)),
            "--lang" => value is "en" or "zh" && Set(() => Chinese = value == "zh"),
            _ => false,
        });
        return problem is null ? options : null;
    }

    private static bool TryPositive(string text, Action<double> set) => TryDouble(text, set, allowZero: false);

    private static bool TryDouble(string text, Action<double> set, bool allowZero)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0 || (value == 0 && !allowZero))
        {
            return false;
        }

        set(value);
        return true;
    }
}
