namespace Mailroom.IntegrationTests;

/// <summary>The SQLite log is copied into the database file in the background while the server runs.</summary>
public sealed class CheckpointTests
{
    [Fact]
    public async Task CommittedWritesReachTheDatabaseFileWithoutARestart()
    {
        using var app = new MailroomApp();
        var enterprise = await app.CreateEnterpriseAsync();
        var database = Path.Combine(app.DataDir, "mailroom.db");
        var before = new FileInfo(database).Length;

        // Enough calls to pass the checkpointer's threshold several times over.
        for (var i = 0; i < 3 * 128; i++)
        {
            await enterprise.AddMemberAsync($"m{i}");
        }

        await Eventually.HoldsAsync(
            () => Task.FromResult(new FileInfo(database).Length > before),
            "the database file grows as the log is checkpointed");

        // And what was checkpointed is still all there, read back through the API.
        var last = await enterprise.PostAsync("/openapi/user/get", ("alias", enterprise.Address($"m{3 * 128 - 1}")));
        Assert.Equal(enterprise.Address($"m{3 * 128 - 1}"), last.Json.GetProperty("Alias").GetString());
    }
}
