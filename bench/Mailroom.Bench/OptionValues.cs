using System.Globalization;
using static Mailroom.Bench.Text;

namespace Mailroom.Bench;

/// <summary>Parsing of option values shared by every benchmark command: each returns false on a bad value.</summary>
internal static class OptionValues
{
    public static bool Set(Action set)
    {
        set();
        return true;
    }

    /// <summary>A positive whole number.</summary>
    public static bool TryCount(string text, Action<int> set)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value <= 0)
        {
            return false;
        }

        set(value);
        return true;
    }

    /// <summary>Applies <c>--only a,b</c> (keep just these) or <c>--skip a,b</c> (drop these) to the parts to run.</summary>
    public static bool SelectParts(HashSet<string> parts, IReadOnlyCollection<string> allParts, string value, bool only)
    {
        var named = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (named.Length == 0 || named.Any(n => !allParts.Contains(n, StringComparer.OrdinalIgnoreCase)))
        {
            return false;
        }

        if (only)
        {
            parts.Clear();
            parts.UnionWith(named);
        }
        else
        {
            parts.ExceptWith(named);
        }

        return true;
    }

    /// <summary>
    /// Applies every <c>--name value</c> pair to <paramref name="apply"/>, which returns false for an
    /// unknown name or a bad value; the message for the first problem, or null when all were taken.
    /// </summary>
    public static string? ApplyPairs(ReadOnlySpan<string> args, Func<string, string, bool> apply)
    {
        for (var i = 0; i < args.Length; i += 2)
        {
            var name = args[i];
            if (i + 1 >= args.Length)
            {
                return T($"Option {name} needs a value.", $"选项 {name} 需要一个值。");
            }

            if (!apply(name, args[i + 1]))
            {
                return T($"Bad option or value: {name} {args[i + 1]}", $"选项或取值有误：{name} {args[i + 1]}");
            }
        }

        return null;
    }
}
