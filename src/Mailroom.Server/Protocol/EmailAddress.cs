namespace Mailroom.Server.Protocol;

/// <summary>
/// Email addresses as the directory uses them: <c>local@domain</c>, compared and stored in lower
/// case (PROTOCOL.md §2.1). Deliberately stricter than RFC 5321: no quoted local parts, no
/// address literals, which no mail account of an enterprise uses.
/// </summary>
internal static class EmailAddress
{
    public const int MaxLength = 254;

    public static bool TryNormalize(string? text, out string address, out string domain)
    {
        if (!TryNormalize(text, out address))
        {
            domain = "";
            return false;
        }

        domain = address[(address.LastIndexOf('@') + 1)..];
        return true;
    }

    /// <summary>The normalized address alone, without allocating its domain (user/get's cache key).</summary>
    public static bool TryNormalize(string? text, out string address)
    {
        address = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.Trim();
        var at = trimmed.LastIndexOf('@');
        if (trimmed.Length > MaxLength || at <= 0 || at > 64 || at == trimmed.Length - 1)
        {
            return false;
        }

        var local = trimmed.AsSpan(0, at);
        var host = trimmed.AsSpan(at + 1);
        if (!IsLocalPart(local) || !IsDomain(host))
        {
            return false;
        }

        address = trimmed.ToLowerInvariant();
        return true;
    }

    public static bool TryNormalizeDomain(string? text, out string domain)
    {
        domain = "";
        if (string.IsNullOrWhiteSpace(text) || !IsDomain(text.Trim()))
        {
            return false;
        }

        domain = text.Trim().ToLowerInvariant();
        return true;
    }

    private static bool IsLocalPart(ReadOnlySpan<char> local)
    {
        if (local[0] == '.' || local[^1] == '.' || local.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in local)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-/=?^_`{|}~.".Contains(c, StringComparison.Ordinal)))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsDomain(ReadOnlySpan<char> domain)
    {
        if (domain.Length is 0 or > 253)
        {
            return false;
        }

        var labels = 0;
        foreach (var range in domain.Split('.'))
        {
            var label = domain[range];
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            foreach (var c in label)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '-')
                {
                    return false;
                }
            }

            labels++;
        }

        return labels >= 2;
    }
}
