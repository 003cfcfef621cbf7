using Mailroom.Server.Protocol;
using Mailroom.Server.Storage;

namespace Mailroom.Server.Directory;

/// <summary>
/// The mail group rules of PROTOCOL.md §6.9. Groups are not members: their changes are written to
/// the operation log but never consume a directory version.
/// </summary>
internal sealed class GroupService(IDatabase database, TimeProvider time)
{
    public const int MaxNameLength = 64;

    /// <summary>group/add: creates a group at a free address of the enterprise.</summary>
    public Task<Result<Done>> AddAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var parameters = request.Parameters;
        var name = parameters.Get("group_name");
        var admin = parameters.Get("group_admin");
        var statusText = parameters.Get("status");
        if (name.Length == 0)
        {
            return RefuseAsync(ProtocolErrors.Missing("group_name"));
        }

        if (name.Length > MaxNameLength || name.Any(char.IsControl))
        {
            return RefuseAsync(ProtocolErrors.InvalidField("group_name"));
        }

        if (admin.Length == 0)
        {
            return RefuseAsync(ProtocolErrors.Missing("group_admin"));
        }

        if (statusText.Length == 0)
        {
            return RefuseAsync(ProtocolErrors.Missing("status"));
        }

        if (MailGroupStatus.Parse(statusText) is not { } status)
        {
            return RefuseAsync(ProtocolErrors.InvalidGroupStatus);
        }

        var entries = parameters.GetAll("members", splitCommas: true);
        return WriteAsync(
            request,
            async (session, enterpriseId) =>
            {
                var address = await DirectoryRules.ResolveAddressAsync(session, enterpriseId, admin, "group_admin");
                if (address.IsError)
                {
                    return address.Error!;
                }

                // A member's address or alias is as taken as another group's (§6.9: "must be free").
                if (await GroupStore.AddressUsedAsync(session, address.Value!))
                {
                    return ProtocolErrors.GroupExists;
                }

                var members = await ResolveMembersAsync(session, enterpriseId, entries);
                if (members.IsError)
                {
                    return members.Error!;
                }

                var groupId = await GroupStore.InsertAsync(session, enterpriseId, address.Value!, name, status);
                foreach (var member in members.Value!)
                {
                    await GroupStore.AddMemberAsync(session, groupId, member.Id);
                }

                return Done.Value;
            },
            cancellationToken);
    }

    /// <summary>group/delete: removes a group with its member list and allow list.</summary>
    public Task<Result<Done>> DeleteAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var alias = request.Parameters.Get("group_alias");
        if (alias.Length == 0)
        {
            return RefuseAsync(ProtocolErrors.Missing("group_alias"));
        }

        return WriteAsync(
            request,
            async (session, enterpriseId) =>
            {
                var group = await ResolveGroupAsync(session, enterpriseId, alias);
                if (group.IsError)
                {
                    return group.Error!;
                }

                await GroupStore.DeleteAsync(session, group.Value!.Id);
                return Done.Value;
            },
            cancellationToken);
    }

    /// <summary>group/addmember: adds members; one already in the group stays as it is.</summary>
    public Task<Result<Done>> AddMembersAsync(ApiRequest request, CancellationToken cancellationToken) =>
        ChangeListAsync(
            request,
            "members",
            async (session, group, members) =>
            {
                foreach (var member in members)
                {
                    await GroupStore.AddMemberAsync(session, group.Id, member.Id);
                }

                return Done.Value;
            },
            cancellationToken);

    /// <summary>group/deletemember: removes members; each must be in the group.</summary>
    public Task<Result<Done>> DeleteMembersAsync(ApiRequest request, CancellationToken cancellationToken) =>
        ChangeListAsync(
            request,
            "members",
            async (session, group, members) =>
            {
                foreach (var member in members)
                {
                    if (!await GroupStore.RemoveMemberAsync(session, group.Id, member.Id))
                    {
                        return ProtocolErrors.NotInGroup(member.Address);
                    }
                }

                return Done.Value;
            },
            cancellationToken);

    /// <summary>group/addallowlist: adds members to the allow list of a <c>list</c> group.</summary>
    public Task<Result<Done>> AddAllowListAsync(ApiRequest request, CancellationToken cancellationToken) =>
        ChangeListAsync(
            request,
            "allow_list",
            async (session, group, members) =>
            {
                foreach (var member in members)
                {
                    await GroupStore.AllowAsync(session, group.Id, member.Id);
                }

                return Done.Value;
            },
            cancellationToken);

    /// <summary>group/delallowlist: removes members from the allow list of a <c>list</c> group, never emptying it.</summary>
    public Task<Result<Done>> DeleteAllowListAsync(ApiRequest request, CancellationToken cancellationToken) =>
        ChangeListAsync(
            request,
            "allow_list",
            async (session, group, members) =>
            {
                foreach (var member in members)
                {
                    if (!await GroupStore.DisallowAsync(session, group.Id, member.Id))
                    {
                        return ProtocolErrors.NotOnAllowList(member.Address);
                    }
                }

                return await GroupStore.AllowListCountAsync(session, group.Id) == 0
                    ? ProtocolErrors.AllowListEmpty
                    : Result<Done>.Ok(Done.Value);
            },
            cancellationToken);

    private static Task<Result<Done>> RefuseAsync(ProtocolError error) => Task.FromResult<Result<Done>>(error);

    /// <summary>
    /// The common shape of the four list changes: group_alias and the list parameter are required,
    /// the group must exist, allow-list changes need status <c>list</c>, every entry must be a member.
    /// </summary>
    private Task<Result<Done>> ChangeListAsync(
        ApiRequest request,
        string listParameter,
        Func<StoreSession, GroupRow, IReadOnlyList<MemberRef>, Task<Result<Done>>> change,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var alias = request.Parameters.Get("group_alias");
        if (alias.Length == 0)
        {
            return RefuseAsync(ProtocolErrors.Missing("group_alias"));
        }

        var entries = request.Parameters.GetAll(listParameter, splitCommas: true);
        if (entries.Count == 0)
        {
            return RefuseAsync(ProtocolErrors.Missing(listParameter));
        }

        var allowList = listParameter == "allow_list";
        return WriteAsync(
            request,
            async (session, enterpriseId) =>
            {
                var group = await ResolveGroupAsync(session, enterpriseId, alias);
                if (group.IsError)
                {
                    return group.Error!;
                }

                if (allowList && group.Value!.Status != MailGroupStatus.List)
                {
                    return ProtocolErrors.AllowListNotAllowed;
                }

                var members = await ResolveMembersAsync(session, enterpriseId, entries);
                if (members.IsError)
                {
                    return members.Error!;
                }

                return await change(session, group.Value!, members.Value!);
            },
            cancellationToken);
    }

    private Task<Result<Done>> WriteAsync(ApiRequest request, Func<StoreSession, long, Task<Result<Done>>> work, CancellationToken cancellationToken)
    {
        var enterpriseId = request.RequireCaller().EnterpriseId;
        return database.WriteAsync(
            session => work(session, enterpriseId),
            error => request.ToOperation(time.GetUtcNow(), OperationRecord.ResultOf(error)),
            cancellationToken);
    }

    private static async Task<Result<GroupRow>> ResolveGroupAsync(StoreSession session, long enterpriseId, string alias)
    {
        var address = await DirectoryRules.ResolveAddressAsync(session, enterpriseId, alias, "group_alias");
        if (address.IsError)
        {
            return address.Error!;
        }

        var group = await GroupStore.FindAsync(session, enterpriseId, address.Value!);
        return group is null ? ProtocolErrors.GroupNotFound : Result<GroupRow>.Ok(group);
    }

    /// <summary>
    /// The members named by primary address or alias, each once. An entry that is no address of
    /// this enterprise's domains is invalid for the caller (§2.3); one in its domains that names no
    /// member is member_not_found.
    /// </summary>
    private static async Task<Result<IReadOnlyList<MemberRef>>> ResolveMembersAsync(StoreSession session, long enterpriseId, IReadOnlyList<string> entries)
    {
        var members = new List<MemberRef>();
        var seen = new HashSet<long>();
        foreach (var entry in entries)
        {
            var address = await DirectoryRules.ResolveAddressAsync(session, enterpriseId, entry, entry);
            if (address.IsError)
            {
                return address.Error!;
            }

            var member = await MemberStore.FindAsync(session, enterpriseId, address.Value!);
            if (member is null)
            {
                return ProtocolErrors.MemberNotFound(address.Value!);
            }

            if (seen.Add(member.Id))
            {
                members.Add(new MemberRef(member.Id, address.Value!));
            }
        }

        return Result<IReadOnlyList<MemberRef>>.Ok(members);
    }

    /// <summary>A member as named in the request (primary or alias), for error messages.</summary>
    private sealed record MemberRef(long Id, string Address);
}
