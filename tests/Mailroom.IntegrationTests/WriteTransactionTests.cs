using Mailroom.Server.Protocol;
using Mailroom.Server.Storage;

namespace Mailroom.IntegrationTests;

/// <summary>
/// A write call alone in its transaction runs without a savepoint: a refusal or a fault must still
/// leave nothing of the call behind, keep its operation-log line (for a refusal), and leave the
/// writer usable for the next call.
/// </summary>
public sealed class WriteTransactionTests
{
    [Fact]
    public async Task ARefusedCallLeavesOnlyItsLogLine()
    {
        using var app = new MailroomApp();
        var enterprise = await app.CreateEnterpriseAsync();
        var database = app.Get<IDatabase>();

        var result = await database.WriteAsync<Done>(
            async session =>
            {
                await InsertGroupAsync(session, enterprise, "refused");
                return ProtocolErrors.UserExists;
            },
            error => new OperationRecord(DateTimeOffset.UtcNow, enterprise.Id, enterprise.ClientId, "127.0.0.1", "test/refused", "{}", OperationRecord.ResultOf(error)),
            TestContext.Current.CancellationToken);

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

        await Assert.ThrowsAsync<InvalidOperationException>(() => database.WriteAsync<Done>(
            async session =>
            {
                await InsertGroupAsync(session, enterprise, "faulted");
                throw new InvalidOperationException("a fault inside the call");
            },
            error => new OperationRecord(DateTimeOffset.UtcNow, enterprise.Id, enterprise.ClientId, "127.0.0.1", "test/faulted", "{}", OperationRecord.ResultOf(error)),
            TestContext.Current.CancellationToken));

        Assert.Equal(0, await GroupCountAsync(enterprise, "faulted"));
        Assert.DoesNotContain(await enterprise.OperationsAsync(), o => o.Record.Endpoint == "test/faulted");

        await enterprise.CreateGroupAsync("after-fault");
        Assert.Equal(1, await GroupCountAsync(enterprise, "after-fault"));
    }

    private static Task<int> InsertGroupAsync(StoreSession session, TestEnterprise enterprise, string local) =>
        session.ExecuteAsync(
            "INSERT INTO mail_groups (enterprise_id, address, name, status) VALUES (@e, @a, @n, 'list')",
            ("@e", enterprise.Id), ("@a", enterprise.Address(local)), ("@n", local));

    private static Task<long> GroupCountAsync(TestEnterprise enterprise, string local) =>
        enterprise.ReadAsync(async session =>
            await session.ScalarAsync<long?>("SELECT COUNT(*) FROM mail_groups WHERE address = @a", ("@a", enterprise.Address(local))) ?? 0);
}
