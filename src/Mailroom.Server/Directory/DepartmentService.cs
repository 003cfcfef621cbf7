using Mailroom.Contracts;
using Mailroom.Server.Protocol;
using Mailroom.Server.Storage;

namespace Mailroom.Server.Directory;

/// <summary>The department rules of PROTOCOL.md §6.5–§6.7. Department names match exactly (case-sensitive).</summary>
internal sealed class DepartmentService(IDatabase database, TimeProvider time, DirectoryVersions versions)
{
    /// <summary>party/sync: adds, deletes, or moves and renames a department (§6.5).</summary>
    public async Task<Result<Done>> SyncAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var caller = request.RequireCaller();
        var parsed = Parse(request.Parameters);
        if (parsed.Error is { } invalid)
        {
            return invalid;
        }

        var enterpriseId = caller.EnterpriseId;
        return await database.WriteAsync(
            session => ApplyAsync(session, enterpriseId, parsed.Value),
            error => request.ToOperation(time.GetUtcNow(), OperationRecord.ResultOf(error)),
            cancellationToken);
    }

    /// <summary>
    /// party/sync inside a transaction its caller runs (the console's all-or-nothing member import):
    /// the same rules as <see cref="SyncAsync"/>; the caller writes the operation log.
    /// </summary>
    public Task<Result<Done>> SyncInAsync(StoreSession session, ApiRequest request)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(request);
        var parsed = Parse(request.Parameters);
        return parsed.Error is { } invalid
            ? Task.FromResult<Result<Done>>(invalid)
            : ApplyAsync(session, request.RequireCaller().EnterpriseId, parsed.Value);
    }

    private static Result<(int Action, DepartmentPath Source, DepartmentPath Destination)> Parse(RequestParameters parameters)
    {
        var parsedAction = SyncAction.Parse(parameters);
        if (parsedAction.Error is { } invalidAction)
        {
            return invalidAction;
        }

        var action = parsedAction.Value;

        var destination = DepartmentPath.Parse(parameters.Get("DstPath"));
        if (destination.IsError)
        {
            return destination.Error!;
        }

        var source = action == SyncAction.Modify ? DepartmentPath.Parse(parameters.Get("SrcPath")) : DepartmentPath.Root;
        if (source.IsError)
        {
            return source.Error!;
        }

        return (action, source.Value!, destination.Value!);
    }

    private Task<Result<Done>> ApplyAsync(StoreSession session, long enterpriseId, (int Action, DepartmentPath Source, DepartmentPath Destination) command) =>
        command.Action switch
        {
            SyncAction.Add => AddAsync(session, enterpriseId, command.Destination),
            SyncAction.Delete => DeleteAsync(session, enterpriseId, command.Destination),
            _ => MoveAsync(session, enterpriseId, command.Source, command.Destination),
        };

    /// <summary>party/list: the names of a department's immediate children, sorted by name (§6.6).</summary>
    public Task<Result<ValueList>> ChildrenAsync(ApiCaller caller, string partyPath, CancellationToken cancellationToken) =>
        ListInAsync(
            caller,
            partyPath,
            (session, departmentId) => DepartmentStore.ChildNamesAsync(session, caller.EnterpriseId, departmentId),
            DirectoryRules.NameOrder,
            cancellationToken);

    /// <summary>
    /// partyuser/list: the primary addresses of the members directly in a department, sorted by
    /// address; for the root, the members in no department (§6.7).
    /// </summary>
    public Task<Result<ValueList>> MembersAsync(ApiCaller caller, string partyPath, CancellationToken cancellationToken) =>
        ListInAsync(
            caller,
            partyPath,
            (session, departmentId) => departmentId == 0
                ? DepartmentStore.MembersInRootAsync(session, caller.EnterpriseId)
                : DepartmentStore.MembersInAsync(session, departmentId),

            // Sorted here rather than in SQL: database collations differ, addresses are compared ordinally.
            StringComparer.Ordinal,
            cancellationToken);

    // Finds the department at partyPath (0 for the root; party_not_found when it does not exist)
    // and lists what read gives for it, in the given order.
    private async Task<Result<ValueList>> ListInAsync(
        ApiCaller caller,
        string partyPath,
        Func<StoreSession, long, Task<List<string>>> read,
        IComparer<string> order,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var path = DepartmentPath.Parse(partyPath);
        if (path.IsError)
        {
            return path.Error!;
        }

        return await database.ReadAsync<Result<ValueList>>(
            async session =>
            {
                var id = await DepartmentStore.FindIdAsync(session, caller.EnterpriseId, path.Value!.Segments);
                if (id is null)
                {
                    return ProtocolErrors.PartyNotFound;
                }

                var values = await read(session, id.Value);
                values.Sort(order);
                return ValueList.Of(values);
            },
            cancellationToken);
    }

    // ADD of the root succeeds and changes nothing: the root always exists, and adding an existing
    // path is a success (§6.5). Sync tools that ensure every path of a member exists before
    // user/sync send "/" for members in the root; refusing it would break them for no gain.
    private static async Task<Result<Done>> AddAsync(StoreSession session, long enterpriseId, DepartmentPath path)
    {
        await DepartmentStore.EnsurePathAsync(session, enterpriseId, path.Segments);
        return Done.Value;
    }

    private static async Task<Result<Done>> DeleteAsync(StoreSession session, long enterpriseId, DepartmentPath path)
    {
        if (path.IsRoot)
        {
            return ProtocolErrors.RootDepartment("DstPath");
        }

        var id = await DepartmentStore.FindIdAsync(session, enterpriseId, path.Segments);
        if (id is null)
        {
            return ProtocolErrors.PartyNotFound;
        }

        if (!await DepartmentStore.IsEmptyAsync(session, enterpriseId, id.Value))
        {
            return ProtocolErrors.PartyNotEmpty;
        }

        await DepartmentStore.DeleteAsync(session, id.Value);
        return Done.Value;
    }

    private async Task<Result<Done>> MoveAsync(StoreSession session, long enterpriseId, DepartmentPath source, DepartmentPath destination)
    {
        if (source.IsRoot)
        {
            return ProtocolErrors.RootDepartment("SrcPath");
        }

        if (destination.IsRoot)
        {
            return ProtocolErrors.RootDepartment("DstPath");
        }

        var id = await DepartmentStore.FindIdAsync(session, enterpriseId, source.Segments);
        if (id is null)
        {
            return ProtocolErrors.PartyNotFound;
        }

        if (IsSameOrInside(destination, source))
        {
            return ProtocolErrors.PartyMoveIntoSelf;
        }

        if (await DepartmentStore.FindIdAsync(session, enterpriseId, destination.Segments) is not null)
        {
            return ProtocolErrors.PartyExists;
        }

        var height = await DepartmentStore.SubtreeHeightAsync(session, enterpriseId, id.Value);
        if (destination.Segments.Count + height - 1 > DepartmentPath.MaxDepth)
        {
            return ProtocolErrors.InvalidPartyPath;
        }

        var parentId = await DepartmentStore.EnsurePathAsync(session, enterpriseId, destination.Segments.Take(destination.Segments.Count - 1).ToArray());
        await DepartmentStore.MoveAsync(session, id.Value, parentId, destination.Segments[^1]);

        // Every member in the moved subtree now has other PartyList paths: a MOD each, all in
        // this call's one version (§6.1). A subtree without members consumes no version.
        var members = await DepartmentStore.MembersInSubtreeAsync(session, enterpriseId, id.Value);
        members.Sort(StringComparer.Ordinal);
        var changes = new MemberChanges(session, enterpriseId, time, versions);
        foreach (var address in members)
        {
            await changes.RecordAsync(address, MemberChanges.Modify);
        }

        return Done.Value;
    }

    private static bool IsSameOrInside(DepartmentPath path, DepartmentPath ancestor) =>
        path.Segments.Count >= ancestor.Segments.Count
        && path.Segments.Take(ancestor.Segments.Count).SequenceEqual(ancestor.Segments, StringComparer.Ordinal);
}
