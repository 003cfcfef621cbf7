using System.Net;
using Mailroom.Server.Auth;
using Mailroom.Server.Protocol;
using Mailroom.Server.Storage;

namespace Mailroom.Server.Admin;

/// <summary>
/// Signing in to the console with the administrator account (the client_id, PROTOCOL.md §2.3) and
/// its password, and confirming the password again before the interface key is shown or replaced.
/// Wrong passwords are throttled (<see cref="LoginThrottle"/>) and, for a known account, logged.
/// </summary>
internal sealed class AdminAccountService(IDatabase database, ClientRegistry clients, AdminPasswords passwords, LoginThrottle throttle, AdminLog log)
{
    /// <summary>Checks the account and password; a session on success.</summary>
    public async Task<PasswordCheck> SignInAsync(string account, string password, IPAddress? address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(password);
        account = account.Trim();
        if (throttle.RetryAfter(account, address) is { } wait)
        {
            return PasswordCheck.Throttled(wait);
        }

        // client_id matches case-insensitively, as on the token endpoint.
        var client = account.Length == 0 ? null : clients.ByClientId(account);
        var stored = client is null ? null : await database.ReadAsync(session => AdminPasswordStore.FindAsync(session, client.EnterpriseId), cancellationToken);
        var actor = AdminActor.FromConsole(address);
        if (!passwords.Verify(password, stored?.PasswordHash) || client is null || stored is null)
        {
            throttle.Failed(account, address);
            if (client is not null)
            {
                await log.RecordAsync(actor, client.EnterpriseId, client.ClientId, AdminOperations.Login, AdminActor.Parameters(), ProtocolErrors.InvalidClient, cancellationToken);
            }

            return PasswordCheck.Wrong;
        }

        throttle.Succeeded(account);
        await log.RecordAsync(actor, client.EnterpriseId, client.ClientId, AdminOperations.Login, AdminActor.Parameters(), null, cancellationToken);
        return PasswordCheck.Right(new AdminSession(client.EnterpriseId, client.Key, client.ClientId, stored.Stamp));
    }

    /// <summary>
    /// Checks the signed-in administrator's password again (before the key is revealed or replaced).
    /// A wrong one counts like a failed sign-in and is logged under <paramref name="endpoint"/>.
    /// </summary>
    public async Task<PasswordCheck> ConfirmAsync(AdminSession session, string password, IPAddress? address, string endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(password);
        if (throttle.RetryAfter(session.ClientId, address) is { } wait)
        {
            return PasswordCheck.Throttled(wait);
        }

        var stored = await database.ReadAsync(s => AdminPasswordStore.FindAsync(s, session.EnterpriseId), cancellationToken);
        if (stored is null || stored.Stamp != session.Stamp || !passwords.Verify(password, stored.PasswordHash))
        {
            throttle.Failed(session.ClientId, address);
            await log.RecordAsync(AdminActor.FromConsole(address), session.EnterpriseId, session.ClientId, endpoint, AdminActor.Parameters(), ProtocolErrors.InvalidClient, cancellationToken);
            return PasswordCheck.Wrong;
        }

        throttle.Succeeded(session.ClientId);
        return PasswordCheck.Right(session);
    }

    /// <summary>
    /// True while the session's client still belongs to its enterprise and its password has not
    /// been replaced since the session signed in.
    /// </summary>
    public async Task<bool> IsCurrentAsync(AdminSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (clients.ByKey(session.ClientKey) is not { } client || client.EnterpriseId != session.EnterpriseId)
        {
            return false;
        }

        var stored = await database.ReadAsync(s => AdminPasswordStore.FindAsync(s, session.EnterpriseId), cancellationToken);
        return stored is not null && stored.Stamp == session.Stamp;
    }
}

/// <summary>The outcome of a password check: a session, a wrong password, or a lock and how long it lasts.</summary>
internal sealed record PasswordCheck(AdminSession? Session, TimeSpan? RetryAfter)
{
    public static readonly PasswordCheck Wrong = new(null, null);

    public static PasswordCheck Right(AdminSession session) => new(session, null);

    public static PasswordCheck Throttled(TimeSpan wait) => new(null, wait);
}
