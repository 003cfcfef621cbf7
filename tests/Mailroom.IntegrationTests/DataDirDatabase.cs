using Microsoft.Data.Sqlite;

namespace Mailroom.IntegrationTests;

/// <summary>
/// The database file of a data directory, opened beside the server (WAL lets a reader in while it
/// runs), as an operator's tool would: to look at what a server left, or to set up what it finds.
/// </summary>
internal static class DataDirDatabase
{
    public static async Task ExecuteAsync(string dataDir, string sql)
    {
        await using var connection = await OpenAsync(dataDir, SqliteOpenMode.ReadWrite);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>The distinct values of the first column.</summary>
    public static async Task<HashSet<string>> QueryAsync(string dataDir, string sql)
    {
        await using var connection = await OpenAsync(dataDir, SqliteOpenMode.ReadOnly);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var values = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    private static async Task<SqliteConnection> OpenAsync(string dataDir, SqliteOpenMode mode)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(dataDir, "mailroom.db"), Pooling = false, Mode = mode }.ToString());
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        return connection;
    }
}
