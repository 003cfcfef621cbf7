using System.Globalization;
using Mailroom.Server.Storage;

namespace Mailroom.Server.Admin;

/// <summary><c>operations list</c>: reads the operation log (操作记录, PROTOCOL.md §8).</summary>
internal static class OperationCommands
{
    public const int MaxLimit = 10_000;

    public static IEnumerable<OperatorCommand> All =>
    [
        new(
            "operations",
            "list",
            ["admin", "since", "until", "alias", "endpoint", "failed", "succeeded", "limit"],
            ("Show the operation log, newest first", "查看操作记录（最新的在前）"),
            (
                $"""
                Usage: {OperatorCommands.Executable} operations list [--admin <account>] [--since <time>] [--until <time>] [--alias <address>] [--endpoint <name>] [--failed | --succeeded] [--limit <n>] [--Mailroom:Key=value ...]

                Every open-protocol call that changed state and every refused call, newest first, one
                per line: time (ISO 8601, UTC), client, source address (for the console's and operator
                commands' lines prefixed "console:" or shown as "operator"), endpoint, result (0 = success,
                else errcode and error), parameters (secrets shown as ***).

                  --admin <account>   only this client's enterprise (and token requests that claimed it)
                  --since <time>      from this time on, e.g. 2026-11-29T10:00 (UTC unless an offset is given)
                  --until <time>      before this time
                  --alias <address>   only calls whose parameters mention this address
                  --endpoint <name>   only this endpoint, e.g. user/sync or token
                  --failed            only refused calls
                  --succeeded         only successful calls
                  --limit <n>         at most n lines (default 100, at most {MaxLimit})
                """,
                $"""
                用法：{OperatorCommands.Executable} operations list [--admin <帐号>] [--since <时间>] [--until <时间>] [--alias <地址>] [--endpoint <接口>] [--failed | --succeeded] [--limit <n>] [--Mailroom:配置项=值 ...]

                列出每次改变状态的开放协议调用和每次被拒绝的调用，最新的在前，每行一条：时间（ISO 8601，
                UTC）、客户端、来源地址（管理端的记录前缀为“console:”，运维命令的记录显示为“operator”）、接口、
                结果（0 表示成功，否则为 errcode 和 error）、参数（密钥类参数显示为 ***）。

                  --admin <帐号>      只看该客户端所属企业（以及声称该客户端的 token 请求）
                  --since <时间>      从该时间起，例如 2026-11-29T10:00（未写时区时按 UTC）
                  --until <时间>      早于该时间
                  --alias <地址>      只看参数中包含该地址的调用
                  --endpoint <接口>   只看该接口，例如 user/sync 或 token
                  --failed            只看被拒绝的调用
                  --succeeded         只看成功的调用
                  --limit <n>         最多 n 行（默认 100，最多 {MaxLimit}）
                """),
            ListAsync),
    ];

    private static async Task<int> ListAsync(OperatorArguments args, OperatorConsole console, CancellationToken cancellationToken)
    {
        const string usage = $"{OperatorCommands.Executable} operations list";
        if (args.Has("failed") && args.Has("succeeded"))
        {
            return console.Usage("--failed and --succeeded exclude each other.", "--failed 与 --succeeded 不能同时使用。", usage);
        }

        if (!TryTime(args.Single("since"), out var since) || !TryTime(args.Single("until"), out var until))
        {
            return console.Usage(
                "--since and --until take an ISO 8601 time, e.g. 2026-11-29T10:00 or 2026-11-29T18:00+08:00.",
                "--since 和 --until 须为 ISO 8601 时间，例如 2026-11-29T10:00 或 2026-11-29T18:00+08:00。",
                usage);
        }

        var limit = 100;
        if (args.Single("limit") is { } limitText
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            return console.Usage($"--limit must be a whole number from 1 to {MaxLimit}.", $"--limit 须为 1 至 {MaxLimit} 的整数。", usage);
        }

        var admin = args.Single("admin")?.Trim();
        if (admin is { Length: 0 })
        {
            return console.Usage("--admin needs an account.", "--admin 需要一个帐号。", usage);
        }

        var query = new OperationQuery(
            Since: since,
            Until: until,
            Endpoint: EndpointName(args.Single("endpoint")),
            Alias: args.Single("alias")?.Trim() is { Length: > 0 } alias ? alias : null,
            Failed: args.Has("failed") ? true : args.Has("succeeded") ? false : null,
            Limit: limit);

        await using var host = EnterpriseCommands.OpenExisting(args, console, out var missing);
        if (host is null)
        {
            return missing;
        }

        var listed = await host.Get<OperationHistory>().ListAsync(admin, query, cancellationToken);
        if (listed.Error is { } error)
        {
            return console.Refuse(error);
        }

        var operations = listed.Value!;
        if (operations.Count == 0)
        {
            console.Note("No operation matches.", "没有符合条件的操作记录。");
            return OperatorConsole.Success;
        }

        console.Table(null, [.. operations.Select(o => (IReadOnlyList<string>)
        [
            o.Record.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            o.Record.ClientId.Length == 0 ? "-" : OperatorConsole.Clean(o.Record.ClientId),
            SourceText(o.Record),
            OperatorConsole.Clean(o.Record.Endpoint),
            OperatorConsole.Clean(o.Record.Result),
            OperatorConsole.Clean(o.Record.Parameters),
        ])]);
        return OperatorConsole.Success;
    }

    // The caller's address; lines not from the open protocol name their channel first ("console:10.0.0.5", "operator").
    private static string SourceText(Protocol.OperationRecord record)
    {
        var address = OperatorConsole.Clean(record.Source);
        return record.Channel == Protocol.OperationChannels.Api
            ? (address.Length == 0 ? "-" : address)
            : address.Length == 0 ? record.Channel : $"{record.Channel}:{address}";
    }

    private static bool TryTime(string? text, out DateTimeOffset? time)
    {
        time = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return text is null;
        }

        if (!DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            return false;
        }

        time = parsed;
        return true;
    }

    // The log names endpoints as "user/sync" and "token"; accept the paths people copy from URLs too.
    private static string? EndpointName(string? text)
    {
        var name = text?.Trim().Trim('/').ToLowerInvariant();
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }

        foreach (var prefix in (string[])["openapi/", "cgi-bin/"])
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                return name[prefix.Length..];
            }
        }

        return name;
    }
}
