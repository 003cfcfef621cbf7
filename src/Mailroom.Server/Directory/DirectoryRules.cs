using Mailroom.Server.Protocol;
using Mailroom.Server.Storage;

namespace Mailroom.Server.Directory;

/// <summary>Rules shared by the directory services.</summary>
internal static class DirectoryRules
{
    /// <summary>
    /// Department names sort case-insensitively first (部门a, 部门B, 部门c as in §6.6), then
    /// ordinally so that the order is total.
    /// </summary>
    public static readonly Comparer<string> NameOrder = Comparer<string>.Create(static (a, b) =>
    {
        var order = StringComparer.OrdinalIgnoreCase.Compare(a, b);
        return order != 0 ? order : StringComparer.Ordinal.Compare(a, b);
    });

    /// <summary>
    /// Normalizes an address given by the caller and checks that the caller's enterprise owns its
    /// domain: any other address is invalid for this caller (§2.3), never "not found".
    /// </summary>
    public static async Task<Result<string>> ResolveAddressAsync(StoreSession session, long enterpriseId, string text, string parameter)
    {
        if (!EmailAddress.TryNormalize(text, out var address, out var domain)
            || !await EnterpriseStore.OwnsDomainAsync(session, enterpriseId, domain))
        {
            return ProtocolErrors.InvalidAlias(parameter);
        }

        return address;
    }
}
