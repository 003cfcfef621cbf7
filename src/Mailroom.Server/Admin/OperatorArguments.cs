namespace Mailroom.Server.Admin;

/// <summary>
/// The command line of an operator command, parsed by hand: words (<c>enterprise create</c>),
/// options (<c>--admin x</c> or <c>--admin=x</c>, possibly repeated), flags (<c>--help</c>,
/// <c>--failed</c>), and configuration settings — any option whose name holds a colon, such as
/// <c>--Mailroom:DataDir=/srv/mailroom</c> — which go to the host's configuration unchanged.
/// </summary>
internal sealed class OperatorArguments
{
    private static readonly HashSet<string> FlagNames = new(StringComparer.OrdinalIgnoreCase) { "help", "failed", "succeeded" };

    private readonly Dictionary<string, List<string>> _options = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _flags = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _words = [];
    private readonly List<string> _settings = [];

    private OperatorArguments()
    {
    }

    public IReadOnlyList<string> Words => _words;

    /// <summary>Configuration settings as the host's command-line provider reads them: <c>--Key=value</c>.</summary>
    public IReadOnlyList<string> Settings => _settings;

    public bool Help => _flags.Contains("help");

    /// <summary>Parses <paramref name="args"/>; on failure <paramref name="error"/> holds the English and Chinese reason.</summary>
    public static OperatorArguments? Parse(IReadOnlyList<string> args, out (string English, string Chinese) error)
    {
        ArgumentNullException.ThrowIfNull(args);
        error = default;
        var parsed = new OperatorArguments();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "-?")
            {
                parsed._flags.Add("help");
                continue;
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (arg.StartsWith('-') && arg.Length > 1)
                {
                    error = ($"unknown option {arg}.", $"未知选项 {arg}。");
                    return null;
                }

                parsed._words.Add(arg);
                continue;
            }

            var body = arg[2..];
            var equals = body.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? body : body[..equals];
            if (name.Length == 0)
            {
                error = ($"unexpected argument {arg}.", $"无法识别的参数 {arg}。");
                return null;
            }

            if (equals < 0 && FlagNames.Contains(name))
            {
                parsed._flags.Add(name);
                continue;
            }

            string value;
            if (equals >= 0)
            {
                value = body[(equals + 1)..];
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }
            else
            {
                error = ($"the option --{name} needs a value.", $"选项 --{name} 需要一个值。");
                return null;
            }

            if (name.Contains(':', StringComparison.Ordinal))
            {
                parsed._settings.Add($"--{name}={value}");
                continue;
            }

            if (!parsed._options.TryGetValue(name, out var values))
            {
                values = [];
                parsed._options[name] = values;
            }

            values.Add(value);
        }

        return parsed;
    }

    public bool Has(string name) => _options.ContainsKey(name) || _flags.Contains(name);

    /// <summary>The value of an option given at most once; null when absent.</summary>
    public string? Single(string name) => _options.TryGetValue(name, out var values) ? values[^1] : null;

    public int Count(string name) => _options.TryGetValue(name, out var values) ? values.Count : 0;

    /// <summary>Every value of a repeatable option; a value may also hold a comma-separated list.</summary>
    public IReadOnlyList<string> All(string name) =>
        _options.TryGetValue(name, out var values)
            ? [.. values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))]
            : [];

    /// <summary>The first option or flag not in <paramref name="allowed"/> (help is always allowed), or null.</summary>
    public string? FirstUnknown(params string[] allowed)
    {
        var known = new HashSet<string>(allowed, StringComparer.OrdinalIgnoreCase) { "help" };
        return _options.Keys.Concat(_flags).FirstOrDefault(n => !known.Contains(n));
    }
}
