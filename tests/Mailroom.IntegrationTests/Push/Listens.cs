using Mailroom.Contracts;
using Mailroom.Server.Auth;
using Mailroom.Server.Push;

namespace Mailroom.IntegrationTests.Push;

/// <summary>Listening as a client does, and looking at the listens the server holds.</summary>
public static class Listens
{
    /// <summary>The enterprise's current directory version, as user/list reports it.</summary>
    public static async Task<long> CurrentVersionAsync(TestEnterprise enterprise)
    {
        var list = await enterprise.PostAsync("/openapi/user/list", ("Ver", "0"));
        return list.Json.GetProperty("Ver").GetInt64();
    }

    /// <summary>Opens a connection and sends a listen that will be held (the current Ver).</summary>
    public static async Task<RawConnection> HoldAsync(TestEnterprise enterprise, long ver)
    {
        var connection = await RawConnection.OpenAsync(enterprise.App.BaseAddress);
        await connection.SendListenAsync(enterprise.Token, ver);
        return connection;
    }

    /// <summary>A listen on a new connection, read to its answer.</summary>
    public static async Task<RawResponse> ListenAsync(TestEnterprise enterprise, long? ver)
    {
        using var connection = await RawConnection.OpenAsync(enterprise.App.BaseAddress);
        await connection.SendListenAsync(enterprise.Token, ver);
        return await connection.ReadResponseAsync();
    }

    public static long ClientKey(TestEnterprise enterprise) => enterprise.App.Get<ClientRegistry>().ByClientId(enterprise.ClientId)!.Key;

    internal static ListenStatus Status(TestEnterprise enterprise) => enterprise.App.Get<ListenHub>().StatusOf(ClientKey(enterprise));

    /// <summary>Waits until the server holds exactly <paramref name="count"/> listens of the enterprise's client.</summary>
    public static Task HeldAsync(TestEnterprise enterprise, int count, TimeSpan? within = null) =>
        Eventually.HoldsAsync(() => Task.FromResult(Status(enterprise).Held == count), $"{count} listens held, not {Status(enterprise).Held}", within);

    /// <summary>What the mail path does when a message arrives: through the running server's own interface.</summary>
    public static ValueTask NewMailAsync(TestEnterprise enterprise, string mailId, int newCount = 1) =>
        enterprise.App.Get<IMailboxEvents>().NewMailAsync(
            enterprise.Id,
            new NewMailEvent(enterprise.Address("bob"), mailId, "\"Test\" <test@example.com>", enterprise.Address("bob"), "Subject " + mailId, "Summary", newCount),
            TestContext.Current.CancellationToken);

    public static ValueTask UnreadAsync(TestEnterprise enterprise, int newCount) =>
        enterprise.App.Get<IMailboxEvents>().UnreadCountChangedAsync(
            enterprise.Id, new UnreadCountEvent(enterprise.Address("bob"), newCount), TestContext.Current.CancellationToken);

    /// <summary>A member change (user/sync ADD) through its own connection: the directory version grows.</summary>
    public static async Task ChangeMemberAsync(TestEnterprise enterprise, string local)
    {
        var response = await enterprise.PostAsync("/openapi/user/sync", ("Action", "2"), ("Alias", enterprise.Address(local)), ("Name", local), ("Password", "Passw0rd-" + local));
        response.AssertEmptySuccess();
    }

    /// <summary>The MailId of a new-mail answer.</summary>
    public static string? MailId(RawResponse response) =>
        response.Json.TryGetProperty("MailId", out var id) ? id.GetString() : null;
}
