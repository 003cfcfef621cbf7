namespace Mailroom.Contracts;

/// <summary>The <c>{"Count":n,"List":[{"Value":...}]}</c> shape of party/list, partyuser/list and PartyList.</summary>
/// <param name="Count">The number of entries in <paramref name="List"/>.</param>
/// <param name="List">The entries.</param>
public sealed record ValueList(int Count, IReadOnlyList<ValueItem> List)
{
    /// <summary>Wraps plain values.</summary>
    /// <param name="values">Paths or addresses, already in the order to show.</param>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is null.</exception>
    public static ValueList Of(IReadOnlyCollection<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new(values.Count, values.Select(v => new ValueItem(v)).ToArray());
    }
}
