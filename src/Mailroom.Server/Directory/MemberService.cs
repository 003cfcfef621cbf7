using Mailroom.Contracts;
using Mailroom.Server.Protocol;
using Mailroom.Server.Storage;

namespace Mailroom.Server.Directory;

/// <summary>The member rules of PROTOCOL.md §6.2–§6.4 and §6.8.</summary>
internal sealed class MemberService(IDatabase database)
{
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
}
