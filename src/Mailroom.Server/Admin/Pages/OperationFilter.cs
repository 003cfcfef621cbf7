using Mailroom.Server.Protocol;
using Mailroom.Server.Storage;
using Microsoft.AspNetCore.Http.Extensions;

namespace Mailroom.Server.Admin.Pages;

/// <summary>
/// The operation-log filters of the console, as the GET form sends them (so a filtered view is a
/// link that can be bookmarked or exported).
/// </summary>
internal sealed class OperationFilter
{
    public string? From { get; set; }

    public string? To { get; set; }

    public string? Endpoint { get; set; }

    public string? Alias { get; set; }

    /// <summary>"" any, "ok" success, "error" any refusal.</summary>
    public string? Result { get; set; }

    /// <summary>An errcode, e.g. 1301.</summary>
    public string? Code { get; set; }

    /// <summary>"" any, else one of <see cref="OperationChannels"/>.</summary>
    public string? Source { get; set; }

    /// <summary>Which filters could not be read, as text keys by field.</summary>
    public Dictionary<string, string> Invalid { get; } = new(StringComparer.Ordinal);

    /// <summary>The store's query for these filters; fields that cannot be read are listed in <see cref="Invalid"/> and ignored.</summary>
    public OperationQuery ToQuery(ConsoleClock clock, int limit)
    {
        ArgumentNullException.ThrowIfNull(clock);
        var since = clock.Parse(From);
        if (since is null && !string.IsNullOrWhiteSpace(From))
        {
            Invalid[nameof(From)] = "admin.operations.time.invalid";
        }

        var until = clock.Parse(To);
        if (until is null && !string.IsNullOrWhiteSpace(To))
        {
            Invalid[nameof(To)] = "admin.operations.time.invalid";
        }

        var code = Code?.Trim();
        if (code is { Length: > 0 } && (code.Length > 8 || !code.All(char.IsAsciiDigit)))
        {
            Invalid[nameof(Code)] = "admin.operations.code.invalid";
            code = null;
        }

        var endpoint = Endpoint?.Trim().Trim('/').ToLowerInvariant();
        if (endpoint?.StartsWith("openapi/", StringComparison.Ordinal) == true)
        {
            endpoint = endpoint["openapi/".Length..];
        }

        return new OperationQuery(
            Since: since,
            Until: until,
            Endpoint: string.IsNullOrEmpty(endpoint) ? null : endpoint,
            Alias: string.IsNullOrWhiteSpace(Alias) ? null : Alias.Trim(),
            Failed: Result switch { "ok" => false, "error" => true, _ => null },
            Limit: limit,
            ResultCode: string.IsNullOrEmpty(code) ? null : code,
            Channel: OperationChannels.All.Contains(Source) ? Source : null);
    }

    /// <summary>The filters as a query string (with a leading '?'), plus extra parameters such as a page position.</summary>
    public string ToQueryString(params (string Name, string? Value)[] extra)
    {
        var query = new QueryBuilder();
        foreach (var (name, value) in new (string, string?)[]
        {
            ("from", From), ("to", To), ("endpoint", Endpoint), ("alias", Alias), ("result", Result), ("code", Code), ("source", Source),
        }.Concat(extra))
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                query.Add(name, value.Trim());
            }
        }

        return query.ToQueryString().Value ?? "";
    }
}
