using Mailroom.Server.Protocol;
using Mailroom.Server.Storage;

namespace Mailroom.Server.Directory;

/// <summary>user/sync: adds, modifies and deletes members (PROTOCOL.md §6.3).</summary>
internal sealed class MemberSyncService(IDatabase database, PasswordHardener hardener, DirectoryVersions versions, TimeProvider time)
{
    public async Task<Result<Done>> SyncAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var caller = request.RequireCaller();
        var parsed = MemberSyncCommand.Parse(request.Parameters);
        if (parsed.Error is { } invalid)
        {
            return invalid;
        }

        var command = parsed.Value!;

        // The slow hash comes later, from the hardener, so that synchronisation runs at storage speed.
        var passwordHash = command.PasswordMd5 is null ? null : PasswordHasher.Quick(command.PasswordMd5);
        var result = await database.WriteAsync(
            session => ApplyAsync(session, caller.EnterpriseId, command, passwordHash),
            error => request.ToOperation(time.GetUtcNow(), OperationRecord.ResultOf(error)),
            cancellationToken);
        if (passwordHash is not null && !result.IsError)
        {
            hardener.Notify();
        }

        return result;
    }

    /// <summary>
    /// user/sync inside a transaction its caller runs (the console's all-or-nothing member import):
    /// the same rules as <see cref="SyncAsync"/>. The caller writes the operation log, and an error
    /// leaves nothing of this call behind only once the caller rolls back.
    /// </summary>
    public async Task<Result<Done>> SyncInAsync(StoreSession session, ApiRequest request)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(request);
        var caller = request.RequireCaller();
        var parsed = MemberSyncCommand.Parse(request.Parameters);
        if (parsed.Error is { } invalid)
        {
            return invalid;
        }

        var command = parsed.Value!;
        var passwordHash = command.PasswordMd5 is null ? null : PasswordHasher.Quick(command.PasswordMd5);
        var result = await ApplyAsync(session, caller.EnterpriseId, command, passwordHash);
        if (passwordHash is not null && !result.IsError)
        {
            session.AfterCommit(hardener.Notify);
        }

        return result;
    }

    private Task<Result<Done>> ApplyAsync(StoreSession session, long enterpriseId, MemberSyncCommand command, string? passwordHash)
    {
        var changes = new MemberChanges(session, enterpriseId, time, versions);
        return command.Action switch
        {
            SyncAction.Add => AddAsync(session, enterpriseId, command, passwordHash!, changes),
            SyncAction.Modify => ModifyAsync(session, enterpriseId, command, passwordHash, changes),
            _ => DeleteAsync(session, enterpriseId, command, changes),
        };
    }

    private static async Task<Result<Done>> AddAsync(StoreSession session, long enterpriseId, MemberSyncCommand command, string passwordHash, MemberChanges changes)
    {
        var resolved = await DirectoryRules.ResolveAddressAsync(session, enterpriseId, command.Alias, "Alias");
        if (resolved.Error is { } invalid)
        {
            return invalid;
        }

        var address = resolved.Value!;
        if (await AddressStore.FindUseAsync(session, address) is not null)
        {
            return ProtocolErrors.UserExists;
        }

        var departments = await ResolveDepartmentsAsync(session, enterpriseId, command.Departments ?? []);
        if (departments.Error is { } noParty)
        {
            return noParty;
        }

        var slaves = await ResolveSlavesAsync(session, enterpriseId, address, null, command.Slaves ?? []);
        if (slaves.Error is { } badSlave)
        {
            return badSlave;
        }

        // §6.3: new members are enabled unless OpenType=2.
        var fields = new MemberFields(
            command.Name!,
            command.Gender ?? 0,
            command.Position ?? "",
            command.Tel ?? "",
            command.Mobile ?? "",
            command.ExtId ?? "",
            command.OpenType == 2 ? 2 : 1);
        var memberId = await MemberStore.InsertAsync(session, enterpriseId, address, fields, passwordHash, await changes.VersionAsync());
        await PasswordHardeningStore.EnqueueAsync(session, memberId);
        foreach (var slave in slaves.Value!)
        {
            await MemberStore.AddAliasAsync(session, enterpriseId, memberId, slave);
        }

        foreach (var departmentId in departments.Value!)
        {
            await MemberStore.AddToDepartmentAsync(session, memberId, departmentId);
        }

        await changes.RecordAsync(address, MemberChanges.Add, memberStamped: true);
        return Done.Value;
    }

    // §6.3: only the parameters present and non-empty change; PartyPath and Slave replace their sets.
    private static async Task<Result<Done>> ModifyAsync(StoreSession session, long enterpriseId, MemberSyncCommand command, string? passwordHash, MemberChanges changes)
    {
        var found = await MemberLookup.FindAsync(session, enterpriseId, command.Alias, "Alias");
        if (found.Error is { } notFound)
        {
            return notFound;
        }

        var member = found.Value!;
        IReadOnlyList<long>? departments = null;
        if (command.Departments is not null)
        {
            var resolved = await ResolveDepartmentsAsync(session, enterpriseId, command.Departments);
            if (resolved.Error is { } noParty)
            {
                return noParty;
            }

            departments = resolved.Value!;
        }

        IReadOnlyList<string>? slaves = null;
        if (command.Slaves is not null)
        {
            var resolved = await ResolveSlavesAsync(session, enterpriseId, member.Address, member.Id, command.Slaves);
            if (resolved.Error is { } badSlave)
            {
                return badSlave;
            }

            slaves = resolved.Value!;
        }

        var before = MemberFields.Of(member);
        var after = new MemberFields(
            command.Name ?? before.Name,
            command.Gender ?? before.Gender,
            command.Position ?? before.Position,
            command.Tel ?? before.Tel,
            command.Mobile ?? before.Mobile,
            command.ExtId ?? before.ExtId,
            command.OpenType == 0 ? before.OpenType : command.OpenType);

        // Only what user/get shows is a member change (§6.1): a call that changes none of it takes no version.
        var fieldsChanged = after != before;
        if (fieldsChanged)
        {
            await MemberStore.UpdateFieldsAsync(session, member.Id, after, await changes.VersionAsync());
        }

        var changed = fieldsChanged;
        if (departments is not null)
        {
            changed |= await ReplaceDepartmentsAsync(session, member.Id, departments);
        }

        if (slaves is not null)
        {
            changed |= await ReplaceAliasesAsync(session, enterpriseId, member.Id, slaves);
        }

        // §7.3: a new password or a disable voids the member's outstanding authkeys, and ends its
        // webmail sessions at once.
        if (passwordHash is not null)
        {
            await MemberStore.SetPasswordHashAsync(session, member.Id, passwordHash);
            await PasswordHardeningStore.EnqueueAsync(session, member.Id);
        }

        if (passwordHash is not null || after.OpenType == 2)
        {
            await AuthKeyStore.DeleteForMemberAsync(session, member.Id);
            await WebmailSessionStore.DeleteForMemberAsync(session, member.Id);
        }

        if (changed)
        {
            await changes.RecordAsync(member.Address, MemberChanges.Modify, memberStamped: fieldsChanged);
        }

        return Done.Value;
    }

    private static async Task<Result<Done>> DeleteAsync(StoreSession session, long enterpriseId, MemberSyncCommand command, MemberChanges changes)
    {
        var found = await MemberLookup.FindAsync(session, enterpriseId, command.Alias, "Alias");
        if (found.Error is { } notFound)
        {
            return notFound;
        }

        var member = found.Value!;
        await MemberStore.DeleteAsync(session, member.Id);
        await changes.RecordAsync(member.Address, MemberChanges.Delete);
        return Done.Value;
    }

    // §6.3: every department must exist; the member is then in exactly these (none = the root).
    private static async Task<Result<IReadOnlyList<long>>> ResolveDepartmentsAsync(StoreSession session, long enterpriseId, IReadOnlyList<DepartmentPath> paths)
    {
        var ids = new List<long>(paths.Count);
        foreach (var path in paths)
        {
            var id = await DepartmentStore.FindIdAsync(session, enterpriseId, path.Segments);
            if (id is null)
            {
                return ProtocolErrors.PartyNotFound;
            }

            if (!ids.Contains(id.Value))
            {
                ids.Add(id.Value);
            }
        }

        return ids;
    }

    // §6.3: a Slave equal to the member's own address is ignored; any other must be in a domain of
    // the enterprise and not used by another member (primary or alias) or a group.
    private static async Task<Result<IReadOnlyList<string>>> ResolveSlavesAsync(StoreSession session, long enterpriseId, string ownAddress, long? ownId, IReadOnlyList<string> requested)
    {
        var slaves = requested.Where(s => s != ownAddress).ToList();
        if (slaves.Count > MemberSyncCommand.MaxSlaves)
        {
            return ProtocolErrors.TooManySlaves;
        }

        foreach (var slave in slaves)
        {
            var address = await DirectoryRules.ResolveAddressAsync(session, enterpriseId, slave, "Slave");
            if (address.Error is { } invalid)
            {
                return invalid;
            }

            var use = await AddressStore.FindUseAsync(session, slave);
            if (use is not null && !(use.Kind == AddressKind.Alias && use.OwnerId == ownId))
            {
                return ProtocolErrors.SlaveConflict(slave);
            }
        }

        return slaves;
    }

    private static async Task<bool> ReplaceDepartmentsAsync(StoreSession session, long memberId, IReadOnlyList<long> wanted)
    {
        var current = await MemberStore.DepartmentIdsAsync(session, memberId);
        var changed = false;
        foreach (var id in current.Except(wanted))
        {
            await MemberStore.RemoveFromDepartmentAsync(session, memberId, id);
            changed = true;
        }

        foreach (var id in wanted.Except(current))
        {
            await MemberStore.AddToDepartmentAsync(session, memberId, id);
            changed = true;
        }

        return changed;
    }

    private static async Task<bool> ReplaceAliasesAsync(StoreSession session, long enterpriseId, long memberId, IReadOnlyList<string> wanted)
    {
        var current = await MemberStore.AliasesAsync(session, memberId);
        var changed = false;
        foreach (var alias in current.Except(wanted, StringComparer.Ordinal))
        {
            await MemberStore.RemoveAliasAsync(session, memberId, alias);
            changed = true;
        }

        foreach (var alias in wanted.Except(current, StringComparer.Ordinal))
        {
            await MemberStore.AddAliasAsync(session, enterpriseId, memberId, alias);
            changed = true;
        }

        return changed;
    }
}
