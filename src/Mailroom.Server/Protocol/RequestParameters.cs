namespace Mailroom.Server.Protocol;

/// <summary>
/// The parameters of one request: the union of its query string and body (PROTOCOL.md §2.1).
/// Names are case-insensitive and trimmed, PHP bracket suffixes are dropped, values are trimmed.
/// </summary>
internal sealed class RequestParameters
{
    // In arrival order, query and body alike. A call carries a handful, so a lookup scans them:
    // cheaper than a dictionary with a list per name, made for every request (every listen).
    private Parameter[] _items = [];

    public int Count { get; private set; }

    public void AddQuery(string name, string value) => Add(name, value, fromBody: false);

    public void AddBody(string name, string value) => Add(name, value, fromBody: true);

    /// <summary>A single value: the body's wins over the query's, and the last one over earlier ones.</summary>
    public string Get(string name)
    {
        string? fromQuery = null;
        for (var i = Count - 1; i >= 0; i--)
        {
            ref readonly var item = ref _items[i];
            if (item.Is(name))
            {
                if (item.FromBody)
                {
                    return item.Value;
                }

                fromQuery ??= item.Value;
            }
        }

        return fromQuery ?? "";
    }

    /// <summary>True when the parameter is given with a non-empty value (§2.1: empty = absent).</summary>
    public bool Has(string name)
    {
        for (var i = 0; i < Count; i++)
        {
            if (_items[i].Value.Length > 0 && _items[i].Is(name))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Every non-empty value of a repeatable parameter, query first then body; with
    /// <paramref name="splitCommas"/> a value may also hold a comma-separated list.
    /// </summary>
    public IReadOnlyList<string> GetAll(string name, bool splitCommas = false)
    {
        List<string>? values = null;
        Collect(name, fromBody: false, splitCommas, ref values);
        Collect(name, fromBody: true, splitCommas, ref values);
        return values ?? (IReadOnlyList<string>)[];
    }

    /// <summary>
    /// Every parameter as name → values, for the operation log: the query's names the body does not
    /// also carry, then the body's, each under the spelling it first came with.
    /// </summary>
    public IEnumerable<KeyValuePair<string, IReadOnlyList<string>>> Enumerate()
    {
        var query = Group(fromBody: false);
        var body = Group(fromBody: true);
        foreach (var (name, values) in query)
        {
            if (!body.ContainsKey(name))
            {
                yield return new(name, values);
            }
        }

        foreach (var (name, values) in body)
        {
            yield return new(name, values);
        }
    }

    public void Add(string name, string value, bool fromBody)
    {
        name = NormalizeName(name);
        if (name.Length == 0)
        {
            return;
        }

        if (Count == _items.Length)
        {
            Array.Resize(ref _items, Math.Max(4, Count * 2));
        }

        _items[Count++] = new Parameter(name, value.Trim(), fromBody);
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

    private void Collect(string name, bool fromBody, bool splitCommas, ref List<string>? into)
    {
        for (var i = 0; i < Count; i++)
        {
            ref readonly var item = ref _items[i];
            if (item.FromBody != fromBody || !item.Is(name))
            {
                continue;
            }

            into ??= [];
            if (!splitCommas)
            {
                if (item.Value.Length > 0)
                {
                    into.Add(item.Value);
                }

                continue;
            }

            foreach (var part in item.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                into.Add(part);
            }
        }
    }

    // Name → values, in order of first appearance (a dictionary without removals enumerates in
    // insertion order), under the spelling a name first came with; made only for the operation log.
    private Dictionary<string, List<string>> Group(bool fromBody)
    {
        var groups = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < Count; i++)
        {
            ref readonly var item = ref _items[i];
            if (item.FromBody != fromBody)
            {
                continue;
            }

            if (!groups.TryGetValue(item.Name, out var values))
            {
                values = [];
                groups[item.Name] = values;
            }

            values.Add(item.Value);
        }

        return groups;
    }

    private readonly record struct Parameter(string Name, string Value, bool FromBody)
    {
        public bool Is(string name) => string.Equals(Name, name, StringComparison.OrdinalIgnoreCase);
    }
}
