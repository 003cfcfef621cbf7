using Mailroom.Server.Protocol;
using Mailroom.Server.Storage;

namespace Mailroom.Server.Directory;

/// <summary>user/swapalias (PROTOCOL.md §6.6b) and user/openwxtoken, user/closewxtoken (§6.10).</summary>
internal sealed class MemberAccountService(IDatabase database, DirectoryVersions versions, TimeProvider time)
{
    /// <summary>Makes one of a member's aliases its primary address and the old primary an alias.</summary>
    public Task<Result<Done>> SwapAliasAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var caller = request.RequireCaller();
        var alias = request.Parameters.Get("alias");
        var slaveAlias = request.Parameters.Get("slavealias");
        if (alias.Length == 0 || slaveAlias.Length == 0)
        {
            return Task.FromResult<Result<Done>>(ProtocolErrors.Missing(alias.Length == 0 ? "alias" : "slavealias"));
        }

        return database.WriteAsync<Done>(
            async session =>
            {
                var found = await MemberLookup.FindAsync(session, caller.EnterpriseId, alias, "alias");
                if (found.Error is { } notFound)
                {
                    return notFound;
                }

                var member = found.Value!;
                var promoted = await DirectoryRules.ResolveAddressAsync(session, caller.EnterpriseId, slaveAlias, "slavealias");
                if (promoted.Error is { } invalid)
                {
                    return invalid;
                }

                var newPrimary = promoted.Value!;
                if (!(await MemberStore.AliasesAsync(session, member.Id)).Contains(newPrimary, StringComparer.Ordinal))
                {
                    return ProtocolErrors.NotAnAlias("slavealias");
                }

                await MemberStore.RemoveAliasAsync(session, member.Id, newPrimary);
                await MemberStore.SetAddressAsync(session, member.Id, newPrimary);
                await MemberStore.AddAliasAsync(session, caller.EnterpriseId, member.Id, member.Address);

                // Account lists are keyed by primary address: the new one appears, the old one goes (§6.6b).
                var changes = new MemberChanges(session, caller.EnterpriseId, time, versions);
                await changes.RecordAsync(newPrimary, MemberChanges.Add);
                await changes.RecordAsync(member.Address, MemberChanges.Delete);
                return Done.Value;
            },
            error => request.ToOperation(time.GetUtcNow(), OperationRecord.ResultOf(error)),
            cancellationToken);
    }

    /// <summary>
    /// Turns the mandatory second factor on or off. user/get does not show it, so it is not a
    /// member change and takes no version (§6.1); it is logged like every state change.
    /// </summary>
    public Task<Result<Done>> SetSecondFactorAsync(ApiRequest request, bool required, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var caller = request.RequireCaller();
        var alias = request.Parameters.Get("alias");
        if (alias.Length == 0)
        {
            return Task.FromResult<Result<Done>>(ProtocolErrors.Missing("alias"));
        }

        return database.WriteAsync<Done>(
            async session =>
            {
                var found = await MemberLookup.FindAsync(session, caller.EnterpriseId, alias, "alias");
                if (found.Error is { } notFound)
                {
                    return notFound;
                }

                await MemberStore.SetSecondFactorAsync(session, found.Value!.Id, required);
                if (!required)
                {
                    // Off forgets the authenticator: switched on again, the member enrols anew.
                    await TotpStore.DeleteAsync(session, found.Value.Id);
                }

                return Done.Value;
            },
            error => request.ToOperation(time.GetUtcNow(), OperationRecord.ResultOf(error)),
            cancellationToken);
    }
}
