namespace Mailroom.IntegrationTests.Properties;

/// <summary>
/// An in-memory model of one enterprise's directory: departments by path, members by primary
/// address. Each operation says which error codes the protocol allows for it in the current
/// state (none: it must succeed; null: the protocol leaves the choice open) and applies itself.
/// </summary>
public sealed class DirectoryModel
{
    public SortedSet<string> Departments { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, ModelMember> Members { get; } = new(StringComparer.Ordinal);

    public DirectoryModel Clone()
    {
        var copy = new DirectoryModel();
        copy.Departments.UnionWith(Departments);
        foreach (var (address, member) in Members)
        {
            copy.Members[address] = member with { Departments = [.. member.Departments], Slaves = [.. member.Slaves] };
        }

        return copy;
    }

    public ModelMember? Owner(string address) =>
        Members.TryGetValue(address, out var member) ? member : Members.Values.FirstOrDefault(m => m.Slaves.Contains(address));

    public bool DepartmentExists(string path) => path.Length == 0 || Departments.Contains(path);

    public IEnumerable<string> Children(string path) =>
        Departments.Where(d => Parent(d) == path).Select(d => d[(d.LastIndexOf('/') + 1)..]);

    public IEnumerable<string> MembersIn(string path) =>
        Members.Values.Where(m => path.Length == 0 ? m.Departments.Count == 0 : m.Departments.Contains(path)).Select(m => m.Address);

    public static string Parent(string path) => path.Contains('/', StringComparison.Ordinal) ? path[..path.LastIndexOf('/')] : "";

    public void AddDepartment(string path)
    {
        for (var p = path; p.Length > 0; p = Parent(p))
        {
            Departments.Add(p);
        }
    }
}

public sealed record ModelMember(string Address, string Name, HashSet<string> Departments, HashSet<string> Slaves);
