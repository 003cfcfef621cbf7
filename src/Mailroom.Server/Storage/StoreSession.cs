using System.Data.Common;

namespace Mailroom.Server.Storage;

/// <summary>
/// One open transaction: a read snapshot or a write. Feature stores run their SQL through it;
/// statements are prepared once per connection and reused. Only Storage sees this type's insides.
/// </summary>
internal sealed class StoreSession
{
    // Stands for a changing statement while nothing is recorded: it is only counted.
    private static readonly RecordedStatement Unrecorded = new("", []);

    private readonly PooledConnection _connection;
    private readonly List<Action> _afterCommit = [];
    private readonly DomainOwners _domainOwners;
    private readonly bool _writing;

    // The transaction is opened and ended with plain BEGIN/COMMIT statements by the database class.
    internal StoreSession(PooledConnection connection, DomainOwners domainOwners, bool writing)
    {
        _connection = connection;
        _domainOwners = domainOwners;
        _writing = writing;
    }

    /// <summary>Work to do once the transaction has committed (cache updates, wake-ups).</summary>
    public void AfterCommit(Action action) => _afterCommit.Add(action);

    internal bool TryGetDomainOwner(string domain, out long enterpriseId) => _domainOwners.TryGet(domain, out enterpriseId);

    // A write transaction's own rows count only once it has committed.
    internal void LearnDomainOwner(string domain, long enterpriseId)
    {
        if (_writing)
        {
            AfterCommit(() => _domainOwners.Learn(domain, enterpriseId));
        }
        else
        {
            _domainOwners.Learn(domain, enterpriseId);
        }
    }

    internal int AfterCommitCount => _afterCommit.Count;

    internal void DiscardAfterCommit(int keep) => _afterCommit.RemoveRange(keep, _afterCommit.Count - keep);

    internal IReadOnlyList<Action> TakeAfterCommit()
    {
        var actions = _afterCommit.ToArray();
        _afterCommit.Clear();
        return actions;
    }

    /// <summary>
    /// While set (a write of <see cref="SqliteDatabase"/> that answers before its commit), every
    /// statement that changes the database is added here once it has run, for the call journal.
    /// </summary>
    internal List<RecordedStatement>? Recording { get; set; }

    /// <summary>How many statements that change the database have succeeded in this session.</summary>
    internal int Changes { get; private set; }

    public Task<int> ExecuteAsync(string sql, params ReadOnlySpan<(string Name, object? Value)> args)
    {
        var statement = Prepare(sql, args);
        return RecordedAsync(statement.Command.ExecuteNonQueryAsync(), Capture(statement, sql, args));
    }

    public Task<T?> ScalarAsync<T>(string sql, params ReadOnlySpan<(string Name, object? Value)> args)
    {
        var statement = Prepare(sql, args);
        return RecordedAsync(ScalarAsync<T>(statement.Command), Capture(statement, sql, args));
    }

    public Task<List<T>> QueryAsync<T>(string sql, Func<DbDataReader, T> map, params ReadOnlySpan<(string Name, object? Value)> args)
    {
        var statement = Prepare(sql, args);
        return RecordedAsync(QueryAsync(statement.Command, map), Capture(statement, sql, args));
    }

    public Task<T?> QuerySingleAsync<T>(string sql, Func<DbDataReader, T> map, params ReadOnlySpan<(string Name, object? Value)> args)
        where T : class
    {
        var statement = Prepare(sql, args);
        return RecordedAsync(QuerySingleAsync(statement.Command, map), Capture(statement, sql, args));
    }

    // Null for a statement that only reads; otherwise the change to count and, while recording, to record.
    private RecordedStatement? Capture(PreparedStatement statement, string sql, ReadOnlySpan<(string Name, object? Value)> args) =>
        !statement.Changes ? null : Recording is null ? Unrecorded : new RecordedStatement(sql, args.ToArray());

    private Task<T> RecordedAsync<T>(Task<T> execution, RecordedStatement? statement)
    {
        return statement is null ? execution : RecordWhenDoneAsync();

        async Task<T> RecordWhenDoneAsync()
        {
            var result = await execution;
            Changes++;
            Recording?.Add(statement);
            return result;
        }
    }

    private static async Task<T?> ScalarAsync<T>(DbCommand command)
    {
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull
            ? default
            : (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<List<T>> QueryAsync<T>(DbCommand command, Func<DbDataReader, T> map)
    {
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    private static async Task<T?> QuerySingleAsync<T>(DbCommand command, Func<DbDataReader, T> map)
        where T : class
    {
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? map(reader) : null;
    }

    private PreparedStatement Prepare(string sql, ReadOnlySpan<(string Name, object? Value)> args)
    {
        var statement = _connection.Statement(sql);
        var parameters = statement.Command.Parameters;
        if (parameters.Count == 0)
        {
            foreach (var (name, value) in args)
            {
                var parameter = statement.Command.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = value ?? DBNull.Value;
                parameters.Add(parameter);
            }

            return statement;
        }

        // The same SQL text always comes from the same call site, with the same arguments in order.
        for (var i = 0; i < args.Length; i++)
        {
            parameters[i].Value = args[i].Value ?? DBNull.Value;
        }

        return statement;
    }
}
