using Mailroom.Server.Storage;
using Microsoft.Data.Sqlite;

namespace Mailroom.IntegrationTests;

/// <summary>
/// Members for the department and group tests, written straight into the test server's SQLite file
/// because user/sync is built on another branch; replace <see cref="AddAsync"/> and
/// <see cref="AddAliasAsync"/> with user/sync calls once it exists. Also reads the change log and
/// the operation log, which no endpoint of these tests shows.
/// </summary>
public static class TestMembers
{
    /// <summary>Creates a member directly in the given departments (which must exist); none = the root.</summary>
    public static async Task<string> AddAsync(TestEnterprise enterprise, string local, params string[] departments)
    {
        var address = enterprise.Address(local).ToLowerInvariant();
        await using var connection = await OpenAsync(enterprise.App);
        var memberId = (long)(await ScalarAsync(
            connection,
            "INSERT INTO members (enterprise_id, address, name, password_hash, changed_version) VALUES (@e, @a, @n, 'x', 1) RETURNING id",
            ("@e", enterprise.Id), ("@a", address), ("@n", local)))!;
        foreach (var path in departments)
        {
            long departmentId = 0;
            foreach (var segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                departmentId = (long)(await ScalarAsync(
                    connection,
                    "SELECT id FROM departments WHERE enterprise_id = @e AND parent_id = @p AND name = @n",
                    ("@e", enterprise.Id), ("@p", departmentId), ("@n", segment))
                    ?? throw new InvalidOperationException($"No department {path}."));
            }

            await ScalarAsync(
                connection,
                "INSERT INTO member_departments (member_id, department_id) VALUES (@m, @d)",
                ("@m", memberId), ("@d", departmentId));
        }

        return address;
    }

    /// <summary>Gives a member a Slave alias.</summary>
    public static async Task<string> AddAliasAsync(TestEnterprise enterprise, string memberAddress, string aliasLocal)
    {
        var alias = enterprise.Address(aliasLocal).ToLowerInvariant();
        await using var connection = await OpenAsync(enterprise.App);
        await ScalarAsync(
            connection,
            "INSERT INTO member_aliases (address, member_id, enterprise_id) SELECT @al, id, enterprise_id FROM members WHERE address = @a",
            ("@al", alias), ("@a", memberAddress));
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

    private static async Task<SqliteConnection> OpenAsync(MailroomApp app)
    {
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
