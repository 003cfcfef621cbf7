using System.Data.Common;
using Mailroom.Server.Protocol;

namespace Mailroom.Server.Storage;

/// <summary>The operation log (操作记录) table, and the channel of lines that are not API calls.</summary>
internal static class OperationStore
{
    private const string Columns = "o.seq, o.enterprise_id, o.at, o.client_id, o.source, o.endpoint, o.parameters, o.result, oc.channel";

    private const string From = "operations o LEFT JOIN operation_channels oc ON oc.seq = o.seq";

    // Every filter of OperationQuery; each query text below binds them in this order.
    private const string Filter =
        """
        (@e IS NULL OR o.enterprise_id = @e OR (o.enterprise_id IS NULL AND lower(o.client_id) = lower(@c)))
          AND (@since IS NULL OR o.at >= @since)
          AND (@until IS NULL OR o.at < @until)
          AND (@ep IS NULL OR o.endpoint = @ep)
          AND (@alias IS NULL OR o.parameters LIKE @alias ESCAPE '\')
          AND (@failed IS NULL OR (@failed = 1 AND o.result <> '0') OR (@failed = 0 AND o.result = '0'))
          AND (@code IS NULL OR o.result LIKE @code)
          AND (@ch IS NULL OR COALESCE(oc.channel, 'api') = @ch)
        """;

    private const string ListSql =
        $"SELECT {Columns} FROM {From} WHERE {Filter} AND (@before IS NULL OR o.seq < @before) ORDER BY o.seq DESC LIMIT @limit";

    private const string ListNewerSql =
        $"SELECT {Columns} FROM {From} WHERE {Filter} AND o.seq > @after ORDER BY o.seq LIMIT @limit";

    private const string CountSql = $"SELECT COUNT(*) FROM {From} WHERE {Filter}";

    public static async Task AppendAsync(StoreSession session, OperationRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Channel == OperationChannels.Api)
        {
            await session.ExecuteAsync(
                "INSERT INTO operations (enterprise_id, at, client_id, source, endpoint, parameters, result) VALUES (@e, @at, @c, @s, @ep, @p, @r)",
                ("@e", record.EnterpriseId),
                ("@at", record.At.ToUnixTimeMilliseconds()),
                ("@c", record.ClientId),
                ("@s", record.Source),
                ("@ep", record.Endpoint),
                ("@p", record.Parameters),
                ("@r", record.Result));
            return;
        }

        var seq = await session.ScalarAsync<long?>(
            "INSERT INTO operations (enterprise_id, at, client_id, source, endpoint, parameters, result) VALUES (@e, @at, @c, @s, @ep, @p, @r) RETURNING seq",
            ("@e", record.EnterpriseId),
            ("@at", record.At.ToUnixTimeMilliseconds()),
            ("@c", record.ClientId),
            ("@s", record.Source),
            ("@ep", record.Endpoint),
            ("@p", record.Parameters),
            ("@r", record.Result));
        await session.ExecuteAsync("INSERT INTO operation_channels (seq, channel) VALUES (@s, @ch)", ("@s", seq), ("@ch", record.Channel));
    }

    /// <summary>
    /// Newest first. Every filter is optional; <see cref="OperationQuery.BeforeSeq"/> pages. With an
    /// enterprise, <see cref="OperationQuery.ClientId"/> adds the refused calls that only claimed its
    /// client (a token request with a wrong secret is not attributed to any enterprise).
    /// </summary>
    public static Task<List<StoredOperation>> ListAsync(StoreSession session, OperationQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return session.QueryAsync(
            ListSql,
            Map,
            [.. Filters(query), ("@before", query.BeforeSeq), ("@limit", query.Limit)]);
    }

    /// <summary>
    /// The page just newer than <paramref name="afterSeq"/> (the previous page when reading newest
    /// first), still ordered newest first.
    /// </summary>
    public static async Task<List<StoredOperation>> ListNewerAsync(StoreSession session, OperationQuery query, long afterSeq)
    {
        ArgumentNullException.ThrowIfNull(query);
        var rows = await session.QueryAsync(
            ListNewerSql,
            Map,
            [.. Filters(query), ("@after", afterSeq), ("@limit", query.Limit)]);
        rows.Reverse();
        return rows;
    }

    /// <summary>How many lines match the query's filters (paging is ignored).</summary>
    public static async Task<long> CountAsync(StoreSession session, OperationQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return await session.ScalarAsync<long?>(
            CountSql,
            Filters(query)) ?? 0;
    }

    // The filter parameters every listing shares, always in this order (commands are cached per SQL text).
    private static (string Name, object? Value)[] Filters(OperationQuery query) =>
    [
        ("@e", query.EnterpriseId),
        ("@c", query.ClientId),
        ("@since", query.Since?.ToUnixTimeMilliseconds()),
        ("@until", query.Until?.ToUnixTimeMilliseconds()),
        ("@ep", query.Endpoint),
        ("@alias", AliasPattern(query)),
        ("@failed", query.Failed is null ? null : query.Failed.Value ? 1 : 0),
        ("@code", CodePattern(query)),
        ("@ch", query.Channel),
    ];

    /// <summary>One line, only if it belongs to the enterprise (or only claimed its client, as in <see cref="ListAsync"/>).</summary>
    public static Task<StoredOperation?> FindAsync(StoreSession session, long enterpriseId, string clientId, long seq) =>
        session.QuerySingleAsync(
            $"SELECT {Columns} FROM {From} WHERE o.seq = @s AND (o.enterprise_id = @e OR (o.enterprise_id IS NULL AND lower(o.client_id) = lower(@c)))",
            Map,
            ("@s", seq), ("@e", enterpriseId), ("@c", clientId));

    private static StoredOperation Map(DbDataReader reader) =>
        new(
            reader.GetInt64(0),
            new OperationRecord(
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
                reader.IsDBNull(1) ? null : reader.GetInt64(1),
                reader.GetString(3),
                reader.GetString(4),
                reader.GetString(5),
                reader.GetString(6),
                reader.GetString(7))
            {
                Channel = reader.IsDBNull(8) ? OperationChannels.Api : reader.GetString(8),
            });

    private static string? AliasPattern(OperationQuery query) =>
        query.Alias is null ? null : "%" + EscapeLike(query.Alias.ToLowerInvariant()) + "%";

    // Results are "0" or "<errcode> <error>"; the code is digits only (checked where it is parsed).
    private static string? CodePattern(OperationQuery query) =>
        query.ResultCode is null ? null : query.ResultCode + " %";

    private static string EscapeLike(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}

/// <summary>
/// A filter over the operation log. <c>ResultCode</c>: only lines refused with this errcode (digits,
/// e.g. <c>1301</c>); <c>Channel</c>: only lines from this <see cref="OperationChannels"/> channel.
/// </summary>
internal sealed record OperationQuery(
    long? EnterpriseId = null,
    DateTimeOffset? Since = null,
    DateTimeOffset? Until = null,
    string? Endpoint = null,
    string? Alias = null,
    bool? Failed = null,
    long? BeforeSeq = null,
    int Limit = 100,
    string? ClientId = null,
    string? ResultCode = null,
    string? Channel = null);

/// <summary>A stored operation and its position in the log.</summary>
internal sealed record StoredOperation(long Seq, OperationRecord Record);
