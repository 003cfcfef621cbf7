using Mailroom.Server.Auth;
using Mailroom.Server.Protocol;
using Mailroom.Server.Storage;

namespace Mailroom.Server.Admin;

/// <summary>
/// Enterprises and their open-protocol clients: what the administrator does in the console
/// (PROTOCOL.md §8) and the operator does with the server's commands. Given an
/// <see cref="AdminActor"/>, a change is written to the operation log in its own transaction.
/// </summary>
internal sealed class EnterpriseService(IDatabase database, InterfaceKeys keys, ClientRegistry registry, AdminPasswords passwords, TimeProvider time)
{
    /// <summary>
    /// Creates an enterprise with its domains and its client; returns the new interface key. With
    /// <paramref name="adminPassword"/> the administrator can sign in to the console at once.
    /// </summary>
    public async Task<Result<CreatedEnterprise>> CreateAsync(
        string name,
        IReadOnlyList<string> domains,
        string adminAccount,
        CancellationToken cancellationToken,
        string? interfaceKey = null,
        string? adminPassword = null,
        AdminActor? actor = null)
    {
        ArgumentNullException.ThrowIfNull(domains);
        ArgumentNullException.ThrowIfNull(adminAccount);
        var parameters = AdminActor.Parameters(("name", name ?? ""), ("domains", string.Join(',', domains)), ("admin", adminAccount));
        var normalized = new List<string>();
        ProtocolError? invalid = null;
        foreach (var domain in domains)
        {
            if (!EmailAddress.TryNormalizeDomain(domain, out var d))
            {
                invalid ??= AdminErrors.InvalidDomain(domain);
            }

            normalized.Add(d);
        }

        if (normalized.Count == 0)
        {
            invalid ??= AdminErrors.NoDomain;
        }

        adminAccount = adminAccount.Trim();
        if (adminAccount.Length is 0 or > 128 || adminAccount.Any(char.IsControl))
        {
            invalid ??= AdminErrors.InvalidAdmin;
        }

        if (adminPassword is not null && !AdminPasswords.IsAcceptable(adminPassword))
        {
            invalid ??= AdminErrors.InvalidPassword;
        }

        var secret = interfaceKey ?? InterfaceKeys.Generate();
        var protectedSecret = invalid is null ? keys.Protect(secret) : "";
        var passwordHash = invalid is null && adminPassword is not null ? passwords.Hash(adminPassword) : null;
        var now = time.GetUtcNow();
        long? enterpriseId = null;
        var result = await database.WriteAsync<CreatedEnterprise>(
            async session =>
            {
                if (invalid is not null)
                {
                    return invalid;
                }

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

                if (passwordHash is not null)
                {
                    await AdminPasswordStore.SetAsync(session, id, passwordHash, AdminPasswords.NewStamp(), now);
                }

                await RevisionStore.BumpAsync(session, RevisionStore.Clients);
                enterpriseId = id;
                return new CreatedEnterprise(id, adminAccount, secret);
            },
            actor is null ? null : error => actor.Record(time.GetUtcNow(), enterpriseId, adminAccount, AdminOperations.Create, parameters, error),
            cancellationToken);
        await ReloadIfOkAsync(result.IsError, cancellationToken);
        return result;
    }

    /// <summary>Regenerates the interface key: every token of the client is void at once.</summary>
    public async Task<Result<string>> RotateKeyAsync(string clientId, CancellationToken cancellationToken, AdminActor? actor = null)
    {
        var secret = InterfaceKeys.Generate();
        var protectedSecret = keys.Protect(secret);
        var result = await ChangeClientAsync<string>(
            clientId,
            async (session, client) =>
            {
                await ClientStore.ReplaceSecretAsync(session, client.Key, protectedSecret, InterfaceKeys.Hash(secret));
                return secret;
            },
            actor,
            AdminOperations.RotateKey,
            AdminActor.Parameters(),
            cancellationToken);
        return result;
    }

    /// <summary>Switches the open protocol on or off; off revokes every outstanding token.</summary>
    public Task<Result<Done>> SetApiEnabledAsync(string clientId, bool enabled, CancellationToken cancellationToken, AdminActor? actor = null) =>
        ChangeClientAsync<Done>(
            clientId,
            async (session, client) =>
            {
                await ClientStore.SetEnabledAsync(session, client.Key, enabled);
                return Done.Value;
            },
            actor,
            enabled ? AdminOperations.EnableApi : AdminOperations.DisableApi,
            AdminActor.Parameters(),
            cancellationToken);

    /// <summary>Sets the allowed client addresses (IPs/CIDRs, empty = any) and the per-client rate limit.</summary>
    public Task<Result<Done>> SetAccessAsync(string clientId, string? allowedAddresses, int? rateLimit, CancellationToken cancellationToken, AdminActor? actor = null)
    {
        ProtocolError? invalid = null;
        string? canonical = null;
        if (allowedAddresses is not null)
        {
            if (AllowedAddresses.TryParse(allowedAddresses, out var networks, out var entry))
            {
                canonical = AllowedAddresses.Format(networks);
            }
            else
            {
                invalid = AdminErrors.InvalidAddress(entry);
            }
        }

        if (rateLimit is < 0)
        {
            invalid ??= AdminErrors.InvalidRateLimit;
        }

        var parameters = AdminActor.Parameters(
            ("allowed", canonical ?? allowedAddresses ?? ""),
            ("rate_limit", rateLimit?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? ""));
        return ChangeClientAsync<Done>(
            clientId,
            async (session, client) =>
            {
                if (invalid is not null)
                {
                    return invalid;
                }

                var current = (await ClientStore.FindAsync(session, client.ClientId))!;
                await EnterpriseStore.UpdateAccessAsync(session, client.EnterpriseId, canonical ?? current.AllowedAddresses, rateLimit ?? current.RateLimit);
                return Done.Value;
            },
            actor,
            AdminOperations.SetAccess,
            parameters,
            cancellationToken);
    }

    /// <summary>
    /// Sets the administrator's console password (8 to 128 characters); every console session
    /// signed in with the old one ends.
    /// </summary>
    public Task<Result<Done>> SetAdminPasswordAsync(string clientId, string password, CancellationToken cancellationToken, AdminActor? actor = null)
    {
        ArgumentNullException.ThrowIfNull(password);
        var acceptable = AdminPasswords.IsAcceptable(password);
        var hash = acceptable ? passwords.Hash(password) : null;
        var now = time.GetUtcNow();
        return ChangeClientAsync<Done>(
            clientId,
            async (session, client) =>
            {
                if (hash is null)
                {
                    return AdminErrors.InvalidPassword;
                }

                await AdminPasswordStore.SetAsync(session, client.EnterpriseId, hash, AdminPasswords.NewStamp(), now);
                return Done.Value;
            },
            actor,
            AdminOperations.SetPassword,
            AdminActor.Parameters(),
            cancellationToken);
    }

    /// <summary>
    /// The interface key in plain text, for the administrator who proved who they are. Given an
    /// actor, the reveal is written to the operation log.
    /// </summary>
    public async Task<Result<string>> RevealKeyAsync(string clientId, CancellationToken cancellationToken, AdminActor? actor = null)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        if (actor is null)
        {
            var stored = await database.ReadAsync(
                async session => await ClientStore.FindAsync(session, clientId) is { } client ? await ClientStore.ProtectedSecretAsync(session, client.Key) : null,
                cancellationToken);
            return stored is null ? AdminErrors.UnknownClient(clientId) : keys.Unprotect(stored);
        }

        long? enterpriseId = null;
        var revealed = await database.WriteAsync<string>(
            async session =>
            {
                var client = await ClientStore.FindAsync(session, clientId);
                if (client is null)
                {
                    return AdminErrors.UnknownClient(clientId);
                }

                enterpriseId = client.EnterpriseId;
                return (await ClientStore.ProtectedSecretAsync(session, client.Key))!;
            },
            error => actor.Record(time.GetUtcNow(), enterpriseId, clientId, AdminOperations.RevealKey, AdminActor.Parameters(), error),
            cancellationToken);
        return revealed.Error is { } refused ? refused : keys.Unprotect(revealed.Value!);
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

    /// <summary>One enterprise with its domains; null when there is none with that id.</summary>
    public Task<EnterpriseOverview?> FindAsync(long enterpriseId, CancellationToken cancellationToken) =>
        database.ReadAsync(
            async session => await EnterpriseStore.FindAsync(session, enterpriseId) is { } row
                ? new EnterpriseOverview(row, await EnterpriseStore.DomainsAsync(session, enterpriseId))
                : null,
            cancellationToken);

    public Task<List<string>> DomainsAsync(long enterpriseId, CancellationToken cancellationToken) =>
        database.ReadAsync(session => EnterpriseStore.DomainsAsync(session, enterpriseId), cancellationToken);

    private async Task<Result<T>> ChangeClientAsync<T>(
        string clientId,
        Func<StoreSession, ClientRow, Task<Result<T>>> change,
        AdminActor? actor,
        string endpoint,
        RequestParameters parameters,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        clientId = clientId.Trim();
        long? enterpriseId = null;
        var result = await database.WriteAsync<T>(
            async session =>
            {
                var client = await ClientStore.FindAsync(session, clientId);
                if (client is null)
                {
                    return AdminErrors.UnknownClient(clientId);
                }

                enterpriseId = client.EnterpriseId;
                var value = await change(session, client);
                if (!value.IsError)
                {
                    await RevisionStore.BumpAsync(session, RevisionStore.Clients);
                }

                return value;
            },
            actor is null ? null : error => actor.Record(time.GetUtcNow(), enterpriseId, clientId, endpoint, parameters, error),
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
