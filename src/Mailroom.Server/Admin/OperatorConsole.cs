using System.Globalization;
using System.Text;
using Mailroom.Server.Protocol;

namespace Mailroom.Server.Admin;

/// <summary>
/// Where an operator command writes: results on <see cref="Output"/> (so they can be captured by a
/// script), notes and errors on <see cref="Errors"/>; every text in English, or in Simplified Chinese
/// when the locale says so.
/// </summary>
internal sealed class OperatorConsole(TextWriter output, TextWriter errors, bool chinese)
{
    public const int Success = 0;
    public const int Refused = 1;
    public const int UsageError = 2;

    private static readonly string[] LocaleVariables = ["LC_ALL", "LC_MESSAGES", "LANG"];

    public TextWriter Output { get; } = output;

    public TextWriter Errors { get; } = errors;

    public bool Chinese { get; } = chinese;

    /// <summary>
    /// The process's console, in Chinese when the locale (LC_ALL, else LC_MESSAGES, else LANG, as
    /// POSIX orders them) starts with "zh", e.g. zh_CN.UTF-8.
    /// </summary>
    public static OperatorConsole FromProcess()
    {
        var locale = LocaleVariables
            .Select(Environment.GetEnvironmentVariable)
            .FirstOrDefault(v => !string.IsNullOrEmpty(v)) ?? "";
        return new OperatorConsole(Console.Out, Console.Error, locale.StartsWith("zh", StringComparison.OrdinalIgnoreCase));
    }

    public string Text(string english, string chinese) => Chinese ? chinese : english;

    public void Result(string text) => Output.WriteLine(text);

    public void Note(string english, string chinese) => Errors.WriteLine(Text(english, chinese));

    /// <summary>A usage error: the reason, then how to get help. Exit code 2.</summary>
    public int Usage(string english, string chinese, string helpCommand)
    {
        Errors.WriteLine(Text("Error: ", "错误：") + Text(english, chinese));
        Errors.WriteLine(Text($"Run '{helpCommand} --help' for the usage.", $"运行“{helpCommand} --help”查看用法。"));
        return UsageError;
    }

    /// <summary>The store refused the change. Exit code 1.</summary>
    public int Refuse(ProtocolError error)
    {
        Errors.WriteLine(Text("Refused: ", "操作被拒绝：") + error.MessageFor(Chinese));
        return Refused;
    }

    /// <summary>
    /// Text that came from outside (names, claimed client ids, parameters) with control and
    /// direction-override characters escaped, so it cannot move the cursor or recolour the terminal.
    /// </summary>
    public static string Clean(string text)
    {
        if (!text.Any(NeedsEscape))
        {
            return text;
        }

        var clean = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (NeedsEscape(c))
            {
                clean.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                clean.Append(c);
            }
        }

        return clean.ToString();
    }

    /// <summary>
    /// Writes rows as columns padded to their widths (CJK characters take two cells), under
    /// <paramref name="headers"/> when given. The last column is not padded.
    /// </summary>
    public void Table(IReadOnlyList<string>? headers, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var columns = headers?.Count ?? (rows.Count > 0 ? rows[0].Count : 0);
        var widths = new int[columns];
        foreach (var row in headers is null ? rows : rows.Prepend(headers))
        {
            for (var i = 0; i < widths.Length; i++)
            {
                widths[i] = Math.Max(widths[i], Width(row[i]));
            }
        }

        if (headers is not null)
        {
            WriteRow(headers, widths);
        }

        foreach (var row in rows)
        {
            WriteRow(row, widths);
        }
    }

    private void WriteRow(IReadOnlyList<string> cells, int[] widths)
    {
        var line = new StringBuilder();
        for (var i = 0; i < cells.Count; i++)
        {
            line.Append(cells[i]);
            if (i < cells.Count - 1)
            {
                line.Append(' ', widths[i] - Width(cells[i]) + 2);
            }
        }

        Output.WriteLine(line.ToString().TrimEnd());
    }

    private static bool NeedsEscape(char c) => char.IsControl(c) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069';

    // Terminal cells: East Asian wide characters take two (enough for CJK names and headers).
    private static int Width(string text)
    {
        var width = 0;
        foreach (var c in text)
        {
            width += c is >= '\u1100' and <= '\u115F' or >= '\u2E80' and <= '\uA4CF' or >= '\uAC00' and <= '\uD7A3'
                or >= '\uF900' and <= '\uFAFF' or >= '\uFE30' and <= '\uFE4F' or >= '\uFF00' and <= '\uFF60' or >= '\uFFE0' and <= '\uFFE6'
                ? 2
                : char.IsLowSurrogate(c) ? 0 : 1;
        }

        return width;
    }
}
