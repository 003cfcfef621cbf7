using Mailroom.Server.Directory;
using Mailroom.Server.Protocol;
using Mailroom.Server.Storage;

namespace Mailroom.Server.Admin;

/// <summary>
/// What the console shows of an enterprise's directory. Reads only (changes go through the
/// directory services); every read is scoped by the signed-in administrator's enterprise, and an
/// address of another enterprise is refused as the open protocol refuses it (invalid_alias).
/// </summary>
internal sealed class DirectoryBrowser(IDatabase database)
{
    public const int PageSize = 100;

    /// <summary>The department tree below the root, children sorted by name, with member counts.</summary>
    public Task<DepartmentTree> TreeAsync(long enterpriseId, CancellationToken cancellationToken) =>
        database.ReadAsync(
            async session => DepartmentTree.Build(
                await DirectoryViewStore.DepartmentsAsync(session, enterpriseId),
                await DirectoryViewStore.RootMemberCountAsync(session, enterpriseId)),
            cancellationToken);

    /// <summary>One page of the members directly in the department at <paramref name="path"/> ("" = the root).</summary>
    public Task<Result<List<MemberSummary>>> MembersAsync(long enterpriseId, string path, string after, CancellationToken cancellationToken)
    {
        var parsed = DepartmentPath.Parse(path);
        if (parsed.Error is { } invalid)
        {
            return Task.FromResult<Result<List<MemberSummary>>>(invalid);
        }

        return database.ReadAsync<Result<List<MemberSummary>>>(
            async session =>
            {
                var id = await DepartmentStore.FindIdAsync(session, enterpriseId, parsed.Value!.Segments);
                return id is null
                    ? ProtocolErrors.PartyNotFound
                    : await DirectoryViewStore.MembersInAsync(session, enterpriseId, id.Value, after, PageSize + 1);
            },
            cancellationToken);
    }

    /// <summary>Members and groups whose address, alias or name contains <paramref name="text"/>.</summary>
    public Task<(List<MemberSummary> Members, List<GroupSummary> Groups)> SearchAsync(long enterpriseId, string text, CancellationToken cancellationToken) =>
        database.ReadAsync(
            async session => (
                await DirectoryViewStore.SearchMembersAsync(session, enterpriseId, text.Trim(), PageSize + 1),
                await DirectoryViewStore.SearchGroupsAsync(session, enterpriseId, text.Trim(), PageSize + 1)),
            cancellationToken);

    /// <summary>A member's profile by primary address or alias, as the console shows it.</summary>
    public Task<Result<MemberView>> MemberAsync(long enterpriseId, string address, CancellationToken cancellationToken) =>
        database.ReadAsync<Result<MemberView>>(
            async session =>
            {
                var found = await MemberLookup.FindAsync(session, enterpriseId, address, "Alias");
                if (found.Error is { } error)
                {
                    return error;
                }

                var member = found.Value!;
                var paths = await DepartmentStore.PathsOfMemberAsync(session, member.Id);
                paths.Sort(DirectoryRules.NameOrder);
                return new MemberView(
                    member,
                    await MemberStore.AliasesAsync(session, member.Id),
                    paths,
                    await DirectoryViewStore.GroupsOfMemberAsync(session, member.Id));
            },
            cancellationToken);

    public Task<List<GroupSummary>> GroupsAsync(long enterpriseId, CancellationToken cancellationToken) =>
        database.ReadAsync(session => DirectoryViewStore.GroupsAsync(session, enterpriseId), cancellationToken);

    /// <summary>A mail group with its members and allow list.</summary>
    public Task<Result<GroupView>> GroupAsync(long enterpriseId, string address, CancellationToken cancellationToken) =>
        database.ReadAsync<Result<GroupView>>(
            async session =>
            {
                var resolved = await DirectoryRules.ResolveAddressAsync(session, enterpriseId, address, "group_alias");
                if (resolved.Error is { } invalid)
                {
                    return invalid;
                }

                var group = await DirectoryViewStore.GroupAsync(session, enterpriseId, resolved.Value!);
                if (group is null)
                {
                    return ProtocolErrors.GroupNotFound;
                }

                return new GroupView(
                    group,
                    await DirectoryViewStore.GroupMembersAsync(session, group.Id),
                    await DirectoryViewStore.GroupAllowListAsync(session, group.Id));
            },
            cancellationToken);
}

/// <summary>A member with its aliases, department paths and groups.</summary>
internal sealed record MemberView(MemberRow Member, IReadOnlyList<string> Aliases, IReadOnlyList<string> Departments, IReadOnlyList<string> Groups);

/// <summary>A mail group with its members and allow list.</summary>
internal sealed record GroupView(GroupDetail Group, IReadOnlyList<MemberSummary> Members, IReadOnlyList<MemberSummary> AllowList);
