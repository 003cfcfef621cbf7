using System.Globalization;
using Mailroom.Contracts;
using Mailroom.Server.Protocol;
using Mailroom.Server.Storage;

namespace Mailroom.Server.Directory;

/// <summary>The department rules of PROTOCOL.md §6.5–§6.7. Department names match exactly (case-sensitive).</summary>
internal sealed class DepartmentService(IDatabase database, TimeProvider time, DirectoryVersions versions)
{
    private const int Delete = 1;
    private const int Add = 2;
    private const int Modify = 3;

    /// <summary>party/sync: adds, deletes, or moves and renames a department (§6.5).</summary>
    public async Task<Result<Done>> SyncAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var caller = request.RequireCaller();
        var parameters = request.Parameters;
        var actionText = parameters.Get("Action");
        if (actionText.Length == 0)
        {
            return ProtocolErrors.Missing("Action");
        }

        if (!int.TryParse(actionText, NumberStyles.None, CultureInfo.InvariantCulture, out var action) || action is not (Delete or Add or Modify))
        {
            return ProtocolErrors.InvalidAction;
        }

        var destination = DepartmentPath.Parse(parameters.Get("DstPath"));
        if (destination.IsError)
        {
            return destination.Error!;
        }

        var source = action == Modify ? DepartmentPath.Parse(parameters.Get("SrcPath")) : DepartmentPath.Root;
        if (source.IsError)
        {
            return source.Error!;
        }

        var enterpriseId = caller.EnterpriseId;
        return await database.WriteAsync(
            session => action switch
            {
                Add => AddAsync(session, enterpriseId, destination.Value!),
                Delete => DeleteAsync(session, enterpriseId, destination.Value!),
                _ => MoveAsync(session, enterpriseId, source.Value!, destination.Value!),
            },
            error => request.ToOperation(time.GetUtcNow(), OperationRecord.ResultOf(error)),
            cancellationToken);
    }

    /// <summary>party/list: the names of a department's immediate children, sorted by name (§6.6).</summary>
    public async Task<Result<ValueList>> ChildrenAsync(ApiCaller caller, string partyPath, CancellationToken cancellationToken)
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

                var names = await DepartmentStore.ChildNamesAsync(session, caller.EnterpriseId, id.Value);
                names.Sort(DirectoryRules.NameOrder);
                return ValueList.Of(names);
            },
            cancellationToken);
    }

    /// <summary>
    /// partyuser/list: the primary addresses of the members directly in a department, sorted by
    /// address; for the root, the members in no department (§6.7).
    /// </summary>
    public async Task<Result<ValueList>> MembersAsync(ApiCaller caller, string partyPath, CancellationToken cancellationToken)
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
                List<string> addresses;
                if (path.Value!.IsRoot)
                {
                    addresses = await DepartmentStore.MembersInRootAsync(session, caller.EnterpriseId);
                }
                else
                {
                    var id = await DepartmentStore.FindIdAsync(session, caller.EnterpriseId, path.Value.Segments);
                    if (id is null)
                    {
                        return ProtocolErrors.PartyNotFound;
                    }

                    addresses = await DepartmentStore.MembersInAsync(session, id.Value);
                }

                // Sorted here rather than in SQL: database collations differ, addresses are compared ordinally.
                addresses.Sort(StringComparer.Ordinal);
                return ValueList.Of(addresses);
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
