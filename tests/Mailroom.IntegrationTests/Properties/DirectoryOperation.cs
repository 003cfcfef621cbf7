namespace Mailroom.IntegrationTests.Properties;

/// <summary>One generated call against the directory.</summary>
public abstract record DirectoryOperation
{
    /// <summary>The error codes the protocol allows in this state; empty: must succeed; null: any outcome.</summary>
    public abstract HashSet<string>? AllowedErrors(DirectoryModel model, string domain);

    public abstract void Apply(DirectoryModel model, string domain);

    public abstract (string Path, (string Name, string Value)[] Parameters) Request(string domain);

    protected static bool Inside(string path, string ancestor) =>
        path == ancestor || path.StartsWith(ancestor + "/", StringComparison.Ordinal);
}

public sealed record PartyAdd(string Path) : DirectoryOperation
{
    public override HashSet<string>? AllowedErrors(DirectoryModel model, string domain) => [];

    public override void Apply(DirectoryModel model, string domain) => model.AddDepartment(Path);

    public override (string, (string, string)[]) Request(string domain) => ("/openapi/party/sync", [("Action", "2"), ("DstPath", "/" + Path)]);
}

public sealed record PartyDelete(string Path) : DirectoryOperation
{
    public override HashSet<string>? AllowedErrors(DirectoryModel model, string domain)
    {
        if (!model.Departments.Contains(Path))
        {
            return ["1310"];
        }

        return model.Children(Path).Any() || model.MembersIn(Path).Any() ? ["1311"] : [];
    }

    public override void Apply(DirectoryModel model, string domain) => model.Departments.Remove(Path);

    public override (string, (string, string)[]) Request(string domain) => ("/openapi/party/sync", [("Action", "1"), ("DstPath", Path)]);
}

public sealed record PartyMove(string Source, string Destination) : DirectoryOperation
{
    public override HashSet<string>? AllowedErrors(DirectoryModel model, string domain)
    {
        var errors = new HashSet<string>();
        if (!model.Departments.Contains(Source))
        {
            errors.Add("1310");
        }

        if (model.Departments.Contains(Destination))
        {
            errors.Add("1312");
        }

        if (Inside(Destination, Source))
        {
            errors.Add("1314");
        }

        var deepest = model.Departments.Where(d => Inside(d, Source)).Select(d => d.Split('/').Length - Source.Split('/').Length).DefaultIfEmpty(0).Max();
        if (Destination.Split('/').Length + deepest > 5)
        {
            errors.Add("1313");
        }

        return errors;
    }

    public override void Apply(DirectoryModel model, string domain)
    {
        string Moved(string path) => Destination + path[Source.Length..];
        var subtree = model.Departments.Where(d => Inside(d, Source)).ToList();
        model.Departments.ExceptWith(subtree);
        model.AddDepartment(Destination);
        model.Departments.UnionWith(subtree.Select(Moved));
        foreach (var member in model.Members.Values)
        {
            var moved = member.Departments.Where(d => Inside(d, Source)).ToList();
            member.Departments.ExceptWith(moved);
            member.Departments.UnionWith(moved.Select(Moved));
        }
    }

    public override (string, (string, string)[]) Request(string domain) =>
        ("/openapi/party/sync", [("Action", "3"), ("SrcPath", Source), ("DstPath", Destination + "/")]);
}

public sealed record UserAdd(string Local, string Name, string[] Departments, string[] Slaves) : DirectoryOperation
{
    public override HashSet<string>? AllowedErrors(DirectoryModel model, string domain)
    {
        var address = $"{Local}@{domain}";
        var errors = new HashSet<string>();
        if (model.Owner(address) is not null)
        {
            errors.Add("1302");
        }

        if (Departments.Any(d => !model.DepartmentExists(d)))
        {
            errors.Add("1310");
        }

        if (Slaves.Select(s => $"{s}@{domain}").Any(s => s != address && model.Owner(s) is not null))
        {
            errors.Add("1306");
        }

        return errors;
    }

    public override void Apply(DirectoryModel model, string domain)
    {
        var address = $"{Local}@{domain}";
        model.Members[address] = new ModelMember(
            address,
            Name,
            [.. Departments.Where(d => d.Length > 0)],
            [.. Slaves.Select(s => $"{s}@{domain}").Where(s => s != address)]);
    }

    public override (string, (string, string)[]) Request(string domain) =>
        ("/openapi/user/sync",
        [
            ("Action", "2"), ("Alias", $"{Local}@{domain}"), ("Name", Name), ("Password", "Passw0rd!"),
            .. Departments.Select((d, i) => ($"PartyPath[{i}]", d.Length == 0 ? "/" : d)),
            .. Slaves.Select(s => ("Slave", $"{s}@{domain}")),
        ]);
}

public sealed record UserModify(string Local, string? Name, string[]? Departments, string[]? Slaves) : DirectoryOperation
{
    public override HashSet<string>? AllowedErrors(DirectoryModel model, string domain)
    {
        var address = $"{Local}@{domain}";
        if (!model.Members.ContainsKey(address))
        {
            // MOD by a Slave alias is not settled by the protocol.
            return model.Owner(address) is null ? ["1301"] : null;
        }

        var errors = new HashSet<string>();
        if (Departments is not null && Departments.Any(d => !model.DepartmentExists(d)))
        {
            errors.Add("1310");
        }

        if (Slaves is not null && Slaves.Select(s => $"{s}@{domain}").Any(s => s != address && model.Owner(s) is { } owner && owner.Address != address))
        {
            errors.Add("1306");
        }

        return errors;
    }

    public override void Apply(DirectoryModel model, string domain)
    {
        var address = $"{Local}@{domain}";
        var member = model.Owner(address)!;
        var updated = member with
        {
            Name = Name ?? member.Name,
            Departments = Departments is null ? member.Departments : [.. Departments.Where(d => d.Length > 0)],
            Slaves = Slaves is null ? member.Slaves : [.. Slaves.Select(s => $"{s}@{domain}").Where(s => s != member.Address)],
        };
        model.Members[member.Address] = updated;
    }

    public override (string, (string, string)[]) Request(string domain) =>
        ("/openapi/user/sync",
        [
            ("Action", "3"), ("Alias", $"{Local}@{domain}"), ("Name", Name ?? ""), ("Position", ""), ("Password", ""),
            .. (Departments ?? []).Select(d => ("PartyPath[]", d.Length == 0 ? "/" : "/" + d)),
            .. (Slaves ?? []).Select(s => ("Slave", $"{s}@{domain}")),
        ]);
}

public sealed record UserDelete(string Local) : DirectoryOperation
{
    public override HashSet<string>? AllowedErrors(DirectoryModel model, string domain)
    {
        var address = $"{Local}@{domain}";
        return model.Members.ContainsKey(address) ? [] : model.Owner(address) is null ? ["1301"] : null;
    }

    public override void Apply(DirectoryModel model, string domain) => model.Members.Remove(model.Owner($"{Local}@{domain}")!.Address);

    public override (string, (string, string)[]) Request(string domain) => ("/openapi/user/sync", [("Action", "1"), ("Alias", $"{Local}@{domain}")]);
}

public sealed record SwapAlias(string Local, string Slave) : DirectoryOperation
{
    public override HashSet<string>? AllowedErrors(DirectoryModel model, string domain)
    {
        var address = $"{Local}@{domain}";
        var slave = $"{Slave}@{domain}";
        if (!model.Members.TryGetValue(address, out var member))
        {
            return model.Owner(address) is null ? ["1301"] : null;
        }

        // A slave alias that is not this member's is refused; which code is the server's choice.
        return member.Slaves.Contains(slave) ? [] : null;
    }

    public override void Apply(DirectoryModel model, string domain)
    {
        var member = model.Owner($"{Local}@{domain}")!;
        var slave = $"{Slave}@{domain}";
        model.Members.Remove(member.Address);
        var slaves = new HashSet<string>(member.Slaves.Where(s => s != slave)) { member.Address };
        model.Members[slave] = member with { Address = slave, Slaves = slaves };
    }

    public override (string, (string, string)[]) Request(string domain) =>
        ("/openapi/user/swapalias", [("alias", $"{Local}@{domain}"), ("slavealias", $"{Slave}@{domain}")]);
}
