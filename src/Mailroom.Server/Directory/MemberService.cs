using System.Globalization;
using Mailroom.Contracts;
using Mailroom.Server.Protocol;
using Mailroom.Server.Storage;

namespace Mailroom.Server.Directory;

/// <summary>The member rules of PROTOCOL.md §6.2–§6.4 and §6.8.</summary>
internal sealed class MemberService(IDatabase database)
{
    /// <summary>§10: user/check takes at most 20 addresses.</summary>
    public const int MaxCheckedEmails = 20;

    /// <summary>user/get: the profile of the member with that primary address or alias (§6.2).</summary>
    public Task<Result<MemberProfile>> GetAsync(ApiCaller caller, string alias, CancellationToken cancellationToken)
    {
        if (alias.Length == 0)
        {
            return Task.FromResult<Result<MemberProfile>>(ProtocolErrors.Missing("Alias"));
        }

        return database.ReadAsync<Result<MemberProfile>>(
            async session =>
            {
                var address = await DirectoryRules.ResolveAddressAsync(session, caller.EnterpriseId, alias, "Alias");
                if (address.IsError)
                {
                    return address.Error!;
                }

                var member = await MemberStore.FindAsync(session, caller.EnterpriseId, address.Value!);
                if (member is null)
                {
                    return ProtocolErrors.UserNotFound;
                }

                var aliases = await MemberStore.AliasesAsync(session, member.Id);
                var paths = await DepartmentStore.PathsOfMemberAsync(session, member.Id);
                paths.Sort(DirectoryRules.NameOrder);
                return new MemberProfile(
                    member.Address,
                    member.Name,
                    member.Gender,
                    string.Join(',', aliases),
                    member.Position,
                    member.Tel,
                    member.Mobile,
                    member.ExtId,
                    ValueList.Of(paths),
                    member.OpenType,
                    member.OpenType == 2 ? 2 : 1);
            },
            cancellationToken);
    }

    /// <summary>
    /// user/list (§6.4): every member (Ver 0), or the net change of each address since Ver, with the
    /// current version read in the same snapshot so that listening from it misses nothing.
    /// </summary>
    public Task<Result<MemberChangeList>> ListAsync(ApiCaller caller, string ver, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        long since = 0;
        if (ver.Length > 0 && !long.TryParse(ver, NumberStyles.None, CultureInfo.InvariantCulture, out since))
        {
            return Task.FromResult<Result<MemberChangeList>>(ProtocolErrors.VerInvalid);
        }

        return database.ReadAsync<Result<MemberChangeList>>(
            async session =>
            {
                var current = await EnterpriseStore.VersionAsync(session, caller.EnterpriseId);
                if (since > current)
                {
                    return ProtocolErrors.VerInvalid;
                }

                var list = since == 0
                    ? (await MemberStore.AddressesByChangeAsync(session, caller.EnterpriseId)).ConvertAll(a => new MemberChange(MemberChanges.Add, a))
                    : NetChanges(await ChangeLogStore.ChangesAfterAsync(session, caller.EnterpriseId, since));
                return new MemberChangeList(current, list.Count, list);
            },
            cancellationToken);
    }

    /// <summary>user/check (§6.8): what uses each address, in request order, each echoed as sent.</summary>
    public Task<Result<AddressCheckList>> CheckAsync(ApiCaller caller, IReadOnlyList<string> emails, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(emails);
        if (emails.Count == 0)
        {
            return Task.FromResult<Result<AddressCheckList>>(ProtocolErrors.Missing("email"));
        }

        if (emails.Count > MaxCheckedEmails)
        {
            return Task.FromResult<Result<AddressCheckList>>(ProtocolErrors.TooManyEmails);
        }

        return database.ReadAsync<Result<AddressCheckList>>(
            async session =>
            {
                var list = new List<AddressCheck>(emails.Count);
                foreach (var email in emails)
                {
                    var type = -1;
                    if (EmailAddress.TryNormalize(email, out var address, out var domain)
                        && await EnterpriseStore.OwnsDomainAsync(session, caller.EnterpriseId, domain))
                    {
                        type = await AddressStore.FindUseAsync(session, address) is { } use ? (int)use.Kind : 0;
                    }

                    list.Add(new AddressCheck(email, type));
                }

                return new AddressCheckList(list.Count, list);
            },
            cancellationToken);
    }

    /// <summary>
    /// The net effect per address of the changes after a version (§6.4), from its first and last
    /// change: a first ADD means it did not exist then, a last DEL that it does not exist now.
    /// Ordered by each address's last change.
    /// </summary>
    internal static List<MemberChange> NetChanges(IReadOnlyList<ChangeRow> changes)
    {
        var byAddress = new Dictionary<string, (int First, int Last, int Order)>(StringComparer.Ordinal);
        for (var i = 0; i < changes.Count; i++)
        {
            var change = changes[i];
            byAddress[change.Address] = byAddress.TryGetValue(change.Address, out var seen)
                ? (seen.First, change.Action, i)
                : (change.Action, change.Action, i);
        }

        return
        [
            .. byAddress
                .Where(e => !(e.Value.First == MemberChanges.Add && e.Value.Last == MemberChanges.Delete))
                .OrderBy(e => e.Value.Order)
                .Select(e => new MemberChange(
                    e.Value.First == MemberChanges.Add ? MemberChanges.Add : e.Value.Last == MemberChanges.Delete ? MemberChanges.Delete : MemberChanges.Modify,
                    e.Key)),
        ];
    }
}
