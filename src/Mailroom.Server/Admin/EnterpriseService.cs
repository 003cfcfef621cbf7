using Mailroom.Server.Auth;
using Mailroom.Server.Protocol;
using Mailroom.Server.Storage;

namespace Mailroom.Server.Admin;

/// <summary>
/// Enterprises and their open-protocol clients: what the administrator does in the console
/// (PROTOCOL.md §8) and the operator does with the server's commands.
/// </summary>
internal sealed class EnterpriseService(IDatabase database, InterfaceKeys keys, ClientRegistry registry, TimeProvider time)
{
    /// <summary>Creates an enterprise with its domains and its client; returns the new interface key.</summary>
    public async Task<Result<CreatedEnterprise>> CreateAsync(string name, IReadOnlyList<string> domains, string adminAccount, CancellationToken cancellationToken, string? interfaceKey = null)
    {
        var normalized = new List<string>();
        foreach (var domain in domains)
        {
            if (!EmailAddress.TryNormalizeDomain(domain, out var d))
            {
                return AdminErrors.InvalidDomain(domain);
            }

            normalized.Add(d);
        }

        if (normalized.Count == 0)
        {
            return AdminErrors.NoDomain;
        }

        adminAccount = adminAccount.Trim();
        if (adminAccount.Length is 0 or > 128 || adminAccount.Any(char.IsControl))
        {
            return AdminErrors.InvalidAdmin;
        }

        var secret = interfaceKey ?? InterfaceKeys.Generate();
        var protectedSecret = keys.Protect(secret);
        var now = time.GetUtcNow();
        var result = await database.WriteAsync<CreatedEnterprise>(
            async session =>
            {
                var id = await EnterpriseStore.InsertAsync(session, string.IsNullOrWhiteSpace(name) ? normalized[0] : name.Trim(), now.ToUnixTimeMilliseconds(), now);
                foreach (var domain in normalized.Distinct())
                {
                    if (!await EnterpriseStore.TryAddDomainAsync(session, id, domain))
                    {
                        return AdminErrors.DomainTaken(domain);
                    }
                }

                // client_id is looked up case-insensitively (ClientRegistry), so accounts that differ
                // only in case would be one client to callers.
                if ((await ClientStore.ListAsync(session)).Any(c => string.Equals(c.ClientId, adminAccount, StringComparison.OrdinalIgnoreCase))
                    || await ClientStore.TryInsertAsync(session, id, adminAccount, protectedSecret, InterfaceKeys.Hash(secret), now) is null)
                {
                    return AdminErrors.AdminTaken(adminAccount);
                }

                await RevisionStore.BumpAsync(session, RevisionStore.Clients);
                return new CreatedEnterprise(id, adminAccount, secret);
            },
            operation: null,
            cancellationToken);
        await ReloadIfOkAsync(result.IsError, cancellationToken);
        return result;
    }

    /// <summary>Regenerates the interface key: every token of the client is void at once.</summary>
    public async Task<Result<string>> RotateKeyAsync(string clientId, CancellationToken cancellationToken)
    {
        var secret = InterfaceKeys.Generate();
        var protectedSecret = keys.Protect(secret);
        var result = await ChangeClientAsync(
            clientId,
            async (session, client) =>
            {
                await ClientStore.ReplaceSecretAsync(session, client.Key, protectedSecret, InterfaceKeys.Hash(secret));
                return secret;
            },
            cancellationToken);
        return result;
    }

    /// <summary>Switches the open protocol on or off; off revokes every outstanding token.</summary>
    public Task<Result<Done>> SetApiEnabledAsync(string clientId, bool enabled, CancellationToken cancellationToken) =>
        ChangeClientAsync(
            clientId,
            async (session, client) =>
            {
                await ClientStore.SetEnabledAsync(session, client.Key, enabled);
                return Done.Value;
            },
            cancellationToken);

    /// <summary>Sets the allowed client addresses (IPs/CIDRs, empty = any) and the per-client rate limit.</summary>
    public Task<Result<Done>> SetAccessAsync(string clientId, string? allowedAddresses, int? rateLimit, CancellationToken cancellationToken)
    {
        string? canonical = null;
        if (allowedAddresses is not null)
        {
            if (!AllowedAddresses.TryParse(allowedAddresses, out var networks, out var invalid))
            {
                return Task.FromResult<Result<Done>>(AdminErrors.InvalidAddress(invalid));
            }

            canonical = AllowedAddresses.Format(networks);
        }

        if (rateLimit is < 0)
        {
            return Task.FromResult<Result<Done>>(AdminErrors.InvalidRateLimit);
        }

        return ChangeClientAsync(
            clientId,
            async (session, client) =>
            {
                var current = (await ClientStore.FindAsync(session, clientId))!;
                await EnterpriseStore.UpdateAccessAsync(session, client.EnterpriseId, canonical ?? current.AllowedAddresses, rateLimit ?? current.RateLimit);
                return Done.Value;
            },
            cancellationToken);
    }

    /// <summary>The interface key in plain text, for the administrator who proved who they are.</summary>
    public async Task<Result<string>> RevealKeyAsync(string clientId, CancellationToken cancellationToken)
    {
        var stored = await database.ReadAsync(
            async session => await ClientStore.FindAsync(session, clientId) is { } client ? await ClientStore.ProtectedSecretAsync(session, client.Key) : null,
            cancellationToken);
        return stored is null ? AdminErrors.UnknownClient(clientId) : keys.Unprotect(stored);
    }

    public Task<List<EnterpriseRow>> ListAsync(CancellationToken cancellationToken) =>
        database.ReadAsync(EnterpriseStore.ListAsync, cancellationToken);

    /// <summary>Every enterprise with its domains, read in one snapshot.</summary>
    public Task<List<EnterpriseOverview>> OverviewAsync(CancellationToken cancellationToken) =>
        database.ReadAsync(
            async session =>
            {
                var rows = await EnterpriseStore.ListAsync(session);
                var domains = (await EnterpriseStore.AllDomainsAsync(session)).ToLookup(d => d.EnterpriseId, d => d.Domain);
                return rows.Select(row => new EnterpriseOverview(row, [.. domains[row.Id]])).ToList();
            },
            cancellationToken);

    public Task<List<string>> DomainsAsync(long enterpriseId, CancellationToken cancellationToken) =>
        database.ReadAsync(session => EnterpriseStore.DomainsAsync(session, enterpriseId), cancellationToken);

    private async Task<Result<T>> ChangeClientAsync<T>(string clientId, Func<StoreSession, ClientRow, Task<T>> change, CancellationToken cancellationToken)
    {
        var result = await database.WriteAsync<T>(
            async session =>
            {
                var client = await ClientStore.FindAsync(session, clientId.Trim());
                if (client is null)
                {
                    return AdminErrors.UnknownClient(clientId);
                }

                var value = await change(session, client);
                await RevisionStore.BumpAsync(session, RevisionStore.Clients);
                return value;
            },
            operation: null,
            cancellationToken);
        await ReloadIfOkAsync(result.IsError, cancellationToken);
        return result;
    }

    // Changes made here apply to this process at once; other processes see them within one refresh.
    private async Task ReloadIfOkAsync(bool failed, CancellationToken cancellationToken)
    {
        if (!failed)
        {
            await registry.ReloadAsync(cancellationToken);
        }
    }
}

/// <summary>A new enterprise and the key to show its administrator once.</summary>
internal sealed record CreatedEnterprise(long EnterpriseId, string ClientId, string InterfaceKey);
