using System.Data.Common;

namespace Mailroom.Server.Storage;

/// <summary>An open connection with its prepared statements, kept for reuse.</summary>
internal sealed class PooledConnection(DbConnection connection) : IAsyncDisposable
{
    private readonly Dictionary<string, PreparedStatement> _statements = new(StringComparer.Ordinal);

    public DbConnection Connection { get; } = connection;

    /// <summary>The statement for <paramref name="sql"/>, prepared and classified once per connection.</summary>
    public PreparedStatement Statement(string sql)
    {
        if (!_statements.TryGetValue(sql, out var statement))
        {
            var command = Connection.CreateCommand();
            command.CommandText = sql;
            statement = new PreparedStatement(command, SqlStatements.Changes(sql));
            _statements[sql] = statement;
        }

        return statement;
    }

    public DbCommand Command(string sql) => Statement(sql).Command;

    public async ValueTask DisposeAsync()
    {
        foreach (var statement in _statements.Values)
        {
            await statement.Command.DisposeAsync();
        }

        _statements.Clear();
        await Connection.DisposeAsync();
    }
}

/// <summary>A prepared command, and whether it may change the database (<see cref="SqlStatements.Changes"/>).</summary>
internal sealed record PreparedStatement(DbCommand Command, bool Changes);
