using System.Globalization;
using System.Text.Json;
using Mailroom.Contracts;
using Mailroom.Server.Protocol;
using Mailroom.Server.Storage;

namespace Mailroom.Server.Directory;

/// <summary>The member rules of PROTOCOL.md §6.2–§6.4 and §6.8.</summary>
internal sealed class MemberService(IDatabase database, MemberProfileCache profiles)
{
    /// <summary>§10: user/check takes at most 20 addresses.</summary>
    public const int MaxCheckedEmails = 20;

    /// <summary>
    /// user/get: the profile of the member with that primary address or alias (§6.2), as the
    /// answer's UTF-8 JSON. The bytes may be shared with other calls: never modify them.
    /// </summary>
    public ValueTask<Result<byte[]>> GetAsync(ApiCaller caller, string alias, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (alias.Length == 0)
        {
            return new(ProtocolErrors.Missing("Alias"));
        }

        // The hit path reads no database; see MemberProfileCache for why a hit is never stale.
        if (EmailAddress.TryNormalize(alias, out var address) && profiles.TryGet(caller.EnterpriseId, address, out var cached))
        {
            return new(cached);
        }

        return new(ReadProfileAsync(caller.EnterpriseId, alias, cancellationToken));
    }

    private async Task<Result<byte[]>> ReadProfileAsync(long enterpriseId, string alias, CancellationToken cancellationToken)
    {
        var read = await database.ReadAsync<Result<(string Address, long Version, MemberProfile Profile)>>(
            async session =>
            {
                // Read in the profile's own snapshot: the cache entry is tagged with it.
                var version = await EnterpriseStore.VersionAsync(session, enterpriseId);
                var address = await DirectoryRules.ResolveAddressAsync(session, enterpriseId, alias, "Alias");
                if (address.IsError)
                {
                    return address.Error!;
                }

                var member = await MemberStore.FindAsync(session, enterpriseId, address.Value!);
                if (member is null)
                {
                    return ProtocolErrors.UserNotFound;
                }

                var aliases = await MemberStore.AliasesAsync(session, member.Id);
                var paths = await DepartmentStore.PathsOfMemberAsync(session, member.Id);
                paths.Sort(DirectoryRules.NameOrder);
                var profile = new MemberProfile(
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
                return (address.Value!, version, profile);
            },
            cancellationToken);
        if (read.Error is { } error)
        {
            return error;
        }

        var (asked, at, found) = read.Value;
        var json = JsonSerializer.SerializeToUtf8Bytes(found, ContractsJsonContext.Default.MemberProfile);
        profiles.Store(enterpriseId, asked, at, json);
        return json;
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
