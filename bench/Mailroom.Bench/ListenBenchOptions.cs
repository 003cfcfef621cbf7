using System.Globalization;
using static Mailroom.Bench.OptionValues;
using static Mailroom.Bench.Text;

namespace Mailroom.Bench;

/// <summary>The command line of <c>listen</c>.</summary>
internal sealed class ListenBenchOptions
{
    public static readonly string[] AllParts = ["memory", "fanout", "cpu"];

    /// <summary>Held listens of the closed loop, and the first memory figure.</summary>
    public int Clients { get; private set; } = 10_000;

    /// <summary>The most held listens measured (a process may open 20,000 files here).</summary>
    public int Top { get; private set; } = 19_500;

    /// <summary>Sizes of the fan-out measurement.</summary>
    public List<int> FanOut { get; private set; } = [1_000, 10_000];

    /// <summary>Measured fan-out rounds per size (after uncounted warm-up rounds).</summary>
    public int Rounds { get; private set; } = 20;

    /// <summary>Measured seconds of the closed loop.</summary>
    public double Seconds { get; private set; } = 10;

    public HashSet<string> Parts { get; } = new(AllParts, StringComparer.OrdinalIgnoreCase);

    public string DataRoot { get; private set; } = Path.GetTempPath();

    public string? ServerDll { get; private set; }

    public string? Out { get; private set; }

    public static string Usage => T(
        """
        Usage: dotnet run -c Release --project bench/Mailroom.Bench -- listen [options]
          --clients N          held listens of the closed loop and of the first memory figure (10000)
          --top N              the most held listens measured for memory (19500)
          --fanout a,b         fan-out sizes (1000,10000)
          --rounds N           measured fan-out rounds per size (20)
          --seconds N          measured seconds of the closed loop (10)
          --only a,b           run only these parts: memory, fanout, cpu
          --skip a,b           skip these parts
          --data-dir DIR       where Mailroom keeps its data (system temp directory)
          --server-dll PATH    Mailroom.Server.dll to run (found next to this build)
          --out FILE           also write the markdown summary to FILE
          --lang en|zh         language of the output (from LANG)
        """,
        """
        用法：dotnet run -c Release --project bench/Mailroom.Bench -- listen [选项]
          --clients N          闭环测量及第一项内存测量的挂起 listen 数（10000）
          --top N              内存测量的最大挂起 listen 数（19500）
          --fanout a,b         扇出测量的规模（1000,10000）
          --rounds N           每个规模计时的扇出轮数（20）
          --seconds N          闭环测量的计时秒数（10）
          --only a,b           只运行这些部分：memory、fanout、cpu
          --skip a,b           跳过这些部分
          --data-dir DIR       Mailroom 数据目录的位置（系统临时目录）
          --server-dll PATH    要运行的 Mailroom.Server.dll（默认在本程序的构建输出旁查找）
          --out FILE           另将 markdown 摘要写入 FILE
          --lang en|zh         输出语言（默认取自 LANG）
        """);

    public static ListenBenchOptions? Parse(ReadOnlySpan<string> args, out string? problem)
    {
        var options = new ListenBenchOptions();
        problem = OptionValues.ApplyPairs(args, (name, value) => name switch
        {
            "--clients" => TryCount(value, v => options.Clients = v),
            "--top" => TryCount(value, v => options.Top = v),
            "--fanout" => TryCounts(value, v => options.FanOut = v),
            "--rounds" => TryCount(value, v => options.Rounds = v),
            "--seconds" => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 && Set(() => options.Seconds = seconds),
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

    private static bool TryCounts(string text, Action<List<int>> set)
    {
        var values = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!TryCount(part, values.Add))
            {
                return false;
            }
        }

        if (values.Count == 0)
        {
            return false;
        }

        set(values);
        return true;
    }
}
