using Mailroom.Server.Protocol;
using Mailroom.Server.Storage;

namespace Mailroom.IntegrationTests;

/// <summary>
/// A write call alone in its transaction runs without a savepoint: a refusal or a fault must still
/// leave nothing of the call behind, keep its operation-log line (for a refusal), leave the writer
/// usable for the next call, and keep the calls answered before it whose commit was still due.
/// </summary>
public sealed class WriteTransactionTests
{
    [Fact]
    public async Task ARefusedCallLeavesOnlyItsLogLine()
    {
        using var app = new MailroomApp();
        var enterprise = await app.CreateEnterpriseAsync();
        var database = app.Get<IDatabase>();

        var result = await RefuseAfterAddingAsync(database, enterprise, "refused");

        Assert.True(result.IsError);
        Assert.Equal(0, await GroupCountAsync(enterprise, "refused"));
        var logged = Assert.Single(await enterprise.OperationsAsync(), o => o.Record.Endpoint == "test/refused");
        Assert.Equal(OperationRecord.ResultOf(ProtocolErrors.UserExists), logged.Record.Result);

        await enterprise.CreateGroupAsync("after-refusal");
        Assert.Equal(1, await GroupCountAsync(enterprise, "after-refusal"));
    }

    [Fact]
    public async Task AFaultingCallLeavesNothingAndTheNextCallCommits()
    {
        using var app = new MailroomApp();
        var enterprise = await app.CreateEnterpriseAsync();
        var database = app.Get<IDatabase>();

        await Assert.ThrowsAsync<InvalidOperationException>(() => FaultAfterAddingAsync(database, enterprise, "faulted"));

        Assert.Equal(0, await GroupCountAsync(enterprise, "faulted"));
        Assert.DoesNotContain(await enterprise.OperationsAsync(), o => o.Record.Endpoint == "test/faulted");

        await enterprise.CreateGroupAsync("after-fault");
        Assert.Equal(1, await GroupCountAsync(enterprise, "after-fault"));
    }

    [Fact]
    public async Task UndoingARefusedCallKeepsTheAnsweredCallsNotYetCommitted()
    {
        using var app = DeferringApp();
        var enterprise = await app.CreateEnterpriseAsync();
        var database = app.Get<IDatabase>();

        // Answered into the writer's open transaction, which nothing commits until a read.
        await AddGroupAsync(database, enterprise, "answered");
        var result = await RefuseAfterAddingAsync(database, enterprise, "refused");

        Assert.True(result.IsError);
        Assert.Equal(1, await GroupCountAsync(enterprise, "answered"));
        Assert.Equal(0, await GroupCountAsync(enterprise, "refused"));
        Assert.Single(await enterprise.OperationsAsync(), o => o.Record.Endpoint == "test/refused");
    }

    [Fact]
    public async Task UndoingAFaultingCallKeepsTheAnsweredCallsNotYetCommitted()
    {
        using var app = DeferringApp();
        var enterprise = await app.CreateEnterpriseAsync();
        var database = app.Get<IDatabase>();

        await AddGroupAsync(database, enterprise, "answered");
        await Assert.ThrowsAsync<InvalidOperationException>(() => FaultAfterAddingAsync(database, enterprise, "faulted"));
        await enterprise.CreateGroupAsync("after-fault");

        Assert.Equal(1, await GroupCountAsync(enterprise, "answered"));
        Assert.Equal(0, await GroupCountAsync(enterprise, "faulted"));
        Assert.Equal(1, await GroupCountAsync(enterprise, "after-fault"));
    }

    [Fact]
    public async Task ADomainOwnerSeenOnlyInAnUndoneCallIsNotRemembered()
    {
        using var app = new MailroomApp();
        var enterprise = await app.CreateEnterpriseAsync();
        var domain = $"undone-{Guid.NewGuid():N}.example";

        var result = await app.Get<IDatabase>().WriteAsync<Done>(
            async session =>
            {
                await session.ExecuteAsync("INSERT INTO domains (name, enterprise_id) VALUES (@d, @e)", ("@d", domain), ("@e", enterprise.Id));
                Assert.True(await EnterpriseStore.OwnsDomainAsync(session, enterprise.Id, domain));
                return ProtocolErrors.UserExists;
            },
            null,
            TestContext.Current.CancellationToken);

        Assert.True(result.IsError);
        Assert.False(await enterprise.ReadAsync(session => EnterpriseStore.OwnsDomainAsync(session, enterprise.Id, domain)));
        Assert.True(await enterprise.ReadAsync(session => EnterpriseStore.OwnsDomainAsync(session, enterprise.Id, enterprise.Domain)));
    }

    // Normal durability with nothing committing on its own: only reads commit the answered calls.
    private static MailroomApp DeferringApp() => new(settings: new Dictionary<string, string?>
    {
        ["Mailroom:CommitDelayMilliseconds"] = "600000",
        ["Mailroom:Auth:ClientRefreshMilliseconds"] = "600000",
    });

    // Adds a group, then refuses the call: the group must not stay, the refusal's log line must.
    private static Task<Result<Done>> RefuseAfterAddingAsync(IDatabase database, TestEnterprise enterprise, string local) =>
        database.WriteAsync<Done>(
            async session =>
            {
                await InsertGroupAsync(session, enterprise, local);
                return ProtocolErrors.UserExists;
            },
            error => new OperationRecord(DateTimeOffset.UtcNow, enterprise.Id, enterprise.ClientId, "127.0.0.1", "test/" + local, "{}", OperationRecord.ResultOf(error)),
            TestContext.Current.CancellationToken);

    // Adds a group, then throws: nothing of the call may stay, not even a log line.
    private static Task<Result<Done>> FaultAfterAddingAsync(IDatabase database, TestEnterprise enterprise, string local) =>
        database.WriteAsync<Done>(
            async session =>
            {
                await InsertGroupAsync(session, enterprise, local);
                throw new InvalidOperationException("a fault inside the call");
            },
            error => new OperationRecord(DateTimeOffset.UtcNow, enterprise.Id, enterprise.ClientId, "127.0.0.1", "test/" + local, "{}", OperationRecord.ResultOf(error)),
            TestContext.Current.CancellationToken);

    private static Task<Result<Done>> AddGroupAsync(IDatabase database, TestEnterprise enterprise, string local) =>
        database.WriteAsync<Done>(
            async session =>
            {
                await InsertGroupAsync(session, enterprise, local);
                return Done.Value;
            },
            null,
            TestContext.Current.CancellationToken);

    private static Task<int> InsertGroupAsync(StoreSession session, TestEnterprise enterprise, string local) =>
        session.ExecuteAsync(
            "INSERT INTO mail_groups (enterprise_id, address, name, status) VALUES (@e, @a, @n, 'list')",
            ("@e", enterprise.Id), ("@a", enterprise.Address(local)), ("@n", local));

    private static Task<long> GroupCountAsync(TestEnterprise enterprise, string local) =>
        enterprise.ReadAsync(async session =>
            await session.ScalarAsync<long?>("SELECT COUNT(*) FROM mail_groups WHERE address = @a", ("@a", enterprise.Address(local))) ?? 0);
}
