using Mailroom.Server.Storage;
using Microsoft.Data.Sqlite;

namespace Mailroom.IntegrationTests;

/// <summary>
/// Members for the department and group tests, made through user/sync like any client would; plus
/// reads of the change log and the operation log, which no endpoint shows, from the SQLite file.
/// </summary>
public static class TestMembers
{
    /// <summary>Adds a member through user/sync in the given departments (which must exist); none = the root.</summary>
    public static async Task<string> AddAsync(TestEnterprise enterprise, string local, params string[] departments)
    {
        var address = enterprise.Address(local).ToLowerInvariant();
        var parameters = new List<(string, string)> { ("Action", "2"), ("Alias", address), ("Name", local), ("Password", TestDirectory.Password) };
        parameters.AddRange(departments.Select(path => ("PartyPath", path)));
        (await enterprise.PostAsync("/openapi/user/sync", [.. parameters])).AssertEmptySuccess();
        return address;
    }

    /// <summary>Gives a member one more Slave alias (user/sync MOD replaces the whole list, so it names the old ones too).</summary>
    public static async Task<string> AddAliasAsync(TestEnterprise enterprise, string memberAddress, string aliasLocal)
    {
        var alias = enterprise.Address(aliasLocal).ToLowerInvariant();
        var member = await enterprise.GetMemberAsync(memberAddress);
        var slaves = member.GetProperty("SlaveList").GetString()!.Split(',', StringSplitOptions.RemoveEmptyEntries).Append(alias);
        var parameters = new List<(string, string)> { ("Action", "3"), ("Alias", memberAddress) };
        parameters.AddRange(slaves.Select(slave => ("Slave", slave)));
        (await enterprise.PostAsync("/openapi/user/sync", [.. parameters])).AssertEmptySuccess();
        return alias;
    }

    /// <summary>The enterprise's member change log, oldest first.</summary>
    public static async Task<List<(long Version, string Address, int Action)>> ChangesAsync(TestEnterprise enterprise)
    {
        await using var connection = await OpenAsync(enterprise.App);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT version, address, action FROM member_changes WHERE enterprise_id = @e ORDER BY seq";
        command.Parameters.AddWithValue("@e", enterprise.Id);
        var changes = new List<(long, string, int)>();
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            changes.Add((reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2)));
        }

        return changes;
    }

    /// <summary>The enterprise's operation log: (endpoint, result), oldest first.</summary>
    public static async Task<List<(string Endpoint, string Result)>> OperationsAsync(TestEnterprise enterprise)
    {
        await using var connection = await OpenAsync(enterprise.App);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT endpoint, result FROM operations WHERE enterprise_id = @e ORDER BY seq";
        command.Parameters.AddWithValue("@e", enterprise.Id);
        var operations = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            operations.Add((reader.GetString(0), reader.GetString(1)));
        }

        return operations;
    }

    /// <summary>The enterprise's directory version, read through the server's own store.</summary>
    public static Task<long> VersionAsync(TestEnterprise enterprise) =>
        enterprise.App.Get<IDatabase>().ReadAsync(
            session => EnterpriseStore.VersionAsync(session, enterprise.Id),
            TestContext.Current.CancellationToken);

    // A connection of its own to the app's database file, seeing every write the app has answered:
    // under Normal durability the app commits them once anything reads (Storage/SqliteDatabase.cs).
    private static async Task<SqliteConnection> OpenAsync(MailroomApp app)
    {
        await app.Get<IDatabase>().ReadAsync(_ => Task.FromResult(0), TestContext.Current.CancellationToken);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(app.DataDir, "mailroom.db"),
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA busy_timeout=30000;";
        await pragma.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        return connection;
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql, params (string Name, object Value)[] args)
    {
        await using var command = connection.CreateCommand();
        foreach (var (name, value) in args)
        {
            command.Parameters.AddWithValue(name, value);
        }

        command.CommandText = sql;
        return await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
    }
}
