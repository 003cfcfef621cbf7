namespace Mailroom.IntegrationTests.Properties;

/// <summary>
/// A generated choice, bound to a concrete operation against the model's state when it runs, so
/// that most operations touch departments and members that exist (and some deliberately do not).
/// </summary>
public sealed record OperationPlan(int Kind, int Pick, int Pick2, string Path, string Name, int[] Departments, int[] Slaves, bool Fresh)
{
    private static readonly string[] Locals = ["u1", "u2", "u3", "u4"];
    private static readonly string[] SlaveLocals = ["s1", "s2", "s3"];

    public static IReadOnlyList<string> AllLocals { get; } = [.. Locals, .. SlaveLocals];

    public DirectoryOperation Bind(DirectoryModel model, string domain)
    {
        var departments = model.Departments.ToList();
        string Department(int pick) => Fresh || departments.Count == 0 ? Path : departments[pick % departments.Count];
        string[] Departments() => [.. this.Departments.Select(p => p == 0 ? "" : Department(p))];
        string[] Slaves() => [.. this.Slaves.Select(p => SlaveLocals[p % SlaveLocals.Length]).Distinct()];
        var members = model.Members.Keys.Select(a => a[..a.IndexOf('@', StringComparison.Ordinal)]).ToList();
        string Member() => Fresh || members.Count == 0 ? AllLocals[Pick % AllLocals.Count] : members[Pick % members.Count];

        return Kind switch
        {
            0 or 1 or 2 => new PartyAdd(Path),
            3 => new PartyDelete(Department(Pick)),
            4 or 5 => new PartyMove(Department(Pick), Path),
            6 or 7 or 8 => new UserAdd(Locals[Pick % Locals.Length], Name, Departments(), Slaves()),
            9 => new UserModify(Member(), Name, Departments() is { Length: > 0 } set ? set : null, null),
            10 => new UserModify(Member(), null, null, Slaves().Length == 0 ? ["s1"] : Slaves()),
            11 => new UserDelete(Member()),
            _ => SwapWith(model, domain, Member()),
        };
    }

    private SwapAlias SwapWith(DirectoryModel model, string domain, string local)
    {
        var slaves = model.Owner($"{local}@{domain}")?.Slaves.ToList() ?? [];
        var slave = Fresh || slaves.Count == 0 ? SlaveLocals[Pick2 % SlaveLocals.Length] : slaves[Pick2 % slaves.Count].Split('@')[0];
        return new SwapAlias(local, slave);
    }
}
