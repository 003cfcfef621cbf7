using Mailroom.Server.Protocol;
using Mailroom.Server.Storage;

namespace Mailroom.Server.Directory;

/// <summary>Finding the member a call names, by its primary address or one of its aliases.</summary>
internal static class MemberLookup
{
    /// <summary>
    /// The member of this enterprise named by <paramref name="alias"/>: invalid_alias (naming
    /// <paramref name="parameter"/>) when it is no address of the enterprise, user_not_found when no
    /// member has it.
    /// </summary>
    public static async Task<Result<MemberRow>> FindAsync(StoreSession session, long enterpriseId, string alias, string parameter)
    {
        var address = await DirectoryRules.ResolveAddressAsync(session, enterpriseId, alias, parameter);
        if (address.Error is { } invalid)
        {
            return invalid;
        }

        var member = await MemberStore.FindAsync(session, enterpriseId, address.Value!);
        return member is null ? ProtocolErrors.UserNotFound : member;
    }
}
