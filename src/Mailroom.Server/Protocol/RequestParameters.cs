namespace Mailroom.Server.Protocol;

/// <summary>
/// The parameters of one request: the union of its query string and body (PROTOCOL.md §2.1).
/// Names are case-insensitive and trimmed, PHP bracket suffixes are dropped, values are trimmed.
/// </summary>
internal sealed class RequestParameters
{
    // Made on first use: most calls have no query string, many no body.
    private Dictionary<string, List<string>>? _query;
    private Dictionary<string, List<string>>? _body;

    public int Count { get; private set; }

    public void AddQuery(string name, string value) => Add(ref _query, name, value);

    public void AddBody(string name, string value) => Add(ref _body, name, value);

    /// <summary>A single value: the body's wins over the query's, and the last one over earlier ones.</summary>
    public string Get(string name)
    {
        if (_body is not null && _body.TryGetValue(name, out var fromBody))
        {
            return fromBody[^1];
        }

        return _query is not null && _query.TryGetValue(name, out var fromQuery) ? fromQuery[^1] : "";
    }

    /// <summary>True when the parameter is given with a non-empty value (§2.1: empty = absent).</summary>
    public bool Has(string name) => !string.IsNullOrEmpty(Get(name)) || GetAll(name).Count > 0;

    /// <summary>
    /// Every non-empty value of a repeatable parameter, query first then body; with
    /// <paramref name="splitCommas"/> a value may also hold a comma-separated list.
    /// </summary>
    public IReadOnlyList<string> GetAll(string name, bool splitCommas = false)
    {
        List<string>? values = null;
        Collect(_query, name, splitCommas, ref values);
        Collect(_body, name, splitCommas, ref values);
        return values ?? (IReadOnlyList<string>)[];
    }

    /// <summary>Every parameter as name → values, for the operation log.</summary>
    public IEnumerable<KeyValuePair<string, IReadOnlyList<string>>> Enumerate()
    {
        foreach (var (name, values) in _query ?? [])
        {
            if (_body is null || !_body.ContainsKey(name))
            {
                yield return new(name, values);
            }
        }

        foreach (var (name, values) in _body ?? [])
        {
            yield return new(name, values);
        }
    }

    private void Add(ref Dictionary<string, List<string>>? target, string name, string value)
    {
        name = NormalizeName(name);
        if (name.Length == 0)
        {
            return;
        }

        target ??= new(StringComparer.OrdinalIgnoreCase);
        if (!target.TryGetValue(name, out var values))
        {
            values = [];
            target[name] = values;
        }

        values.Add(value.Trim());
        Count++;
    }

    // "PartyPath[]", "PartyPath[0]" and " PartyPath " all name PartyPath (§2.1, §9).
    internal static string NormalizeName(string name)
    {
        var span = name.AsSpan().Trim();
        var bracket = span.IndexOf('[');
        if (bracket > 0 && span[^1] == ']')
        {
            span = span[..bracket].TrimEnd();
        }

        return span.Length == name.Length ? name : span.ToString();
    }

    private static void Collect(Dictionary<string, List<string>>? source, string name, bool splitCommas, ref List<string>? into)
    {
        if (source is null || !source.TryGetValue(name, out var values))
        {
            return;
        }

        into ??= [];

        foreach (var value in values)
        {
            if (!splitCommas)
            {
                if (value.Length > 0)
                {
                    into.Add(value);
                }

                continue;
            }

            foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                into.Add(part);
            }
        }
    }
}
