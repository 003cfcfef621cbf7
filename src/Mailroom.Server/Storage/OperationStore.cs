using Mailroom.Server.Protocol;

namespace Mailroom.Server.Storage;

/// <summary>The operation log (操作记录) table.</summary>
internal static class OperationStore
{
    public static Task AppendAsync(StoreSession session, OperationRecord record) =>
        session.ExecuteAsync(
            "INSERT INTO operations (enterprise_id, at, client_id, source, endpoint, parameters, result) VALUES (@e, @at, @c, @s, @ep, @p, @r)",
            ("@e", record.EnterpriseId),
            ("@at", record.At.ToUnixTimeMilliseconds()),
            ("@c", record.ClientId),
            ("@s", record.Source),
            ("@ep", record.Endpoint),
            ("@p", record.Parameters),
            ("@r", record.Result));

    /// <summary>
    /// Newest first. Every filter is optional; <see cref="OperationQuery.BeforeSeq"/> pages. With an
    /// enterprise, <see cref="OperationQuery.ClientId"/> adds the refused calls that only claimed its
    /// client (a token request with a wrong secret is not attributed to any enterprise).
    /// </summary>
    public static Task<List<StoredOperation>> ListAsync(StoreSession session, OperationQuery query) =>
        session.QueryAsync(
            """
            SELECT seq, enterprise_id, at, client_id, source, endpoint, parameters, result FROM operations
            WHERE (@e IS NULL OR enterprise_id = @e OR (enterprise_id IS NULL AND lower(client_id) = lower(@c)))
              AND (@since IS NULL OR at >= @since)
              AND (@until IS NULL OR at < @until)
              AND (@ep IS NULL OR endpoint = @ep)
              AND (@alias IS NULL OR parameters LIKE @alias ESCAPE '\')
              AND (@failed IS NULL OR (@failed = 1 AND result <> '0') OR (@failed = 0 AND result = '0'))
              AND (@before IS NULL OR seq < @before)
            ORDER BY seq DESC
            LIMIT @limit
            """,
            reader => new StoredOperation(
                reader.GetInt64(0),
                new OperationRecord(
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
                    reader.IsDBNull(1) ? null : reader.GetInt64(1),
                    reader.GetString(3),
                    reader.GetString(4),
                    reader.GetString(5),
                    reader.GetString(6),
                    reader.GetString(7))),
            ("@e", query.EnterpriseId),
            ("@c", query.ClientId),
            ("@since", query.Since?.ToUnixTimeMilliseconds()),
            ("@until", query.Until?.ToUnixTimeMilliseconds()),
            ("@ep", query.Endpoint),
            ("@alias", query.Alias is null ? null : "%" + EscapeLike(query.Alias.ToLowerInvariant()) + "%"),
            ("@failed", query.Failed is null ? null : query.Failed.Value ? 1 : 0),
            ("@before", query.BeforeSeq),
            ("@limit", query.Limit));

    private static string EscapeLike(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}

/// <summary>A filter over the operation log.</summary>
internal sealed record OperationQuery(
    long? EnterpriseId = null,
    DateTimeOffset? Since = null,
    DateTimeOffset? Until = null,
    string? Endpoint = null,
    string? Alias = null,
    bool? Failed = null,
    long? BeforeSeq = null,
    int Limit = 100,
    string? ClientId = null);

/// <summary>A stored operation and its position in the log.</summary>
internal sealed record StoredOperation(long Seq, OperationRecord Record);
