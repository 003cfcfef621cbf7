using Mailroom.Server.Protocol;

namespace Mailroom.Server.Admin;

/// <summary>Refusals of administrative changes, in English and Chinese.</summary>
internal static class AdminErrors
{
    public static readonly ProtocolError NoDomain =
        ProtocolErrors.InvalidRequest("An enterprise needs at least one mail domain.", "企业至少需要一个邮件域名。");

    public static readonly ProtocolError InvalidAdmin =
        ProtocolErrors.InvalidRequest("The administrator account must be 1 to 128 characters without control characters.", "管理员帐号须为 1 至 128 个字符，且不含控制字符。");

    public static readonly ProtocolError InvalidRateLimit =
        ProtocolErrors.InvalidRequest("The rate limit must be 0 (unlimited) or a positive number of requests per second.", "频率限制须为 0（不限）或每秒请求数（正整数）。");

    public static readonly ProtocolError InvalidPassword =
        ProtocolErrors.InvalidRequest("The administrator password must be 8 to 128 characters without control characters.", "管理员密码须为 8 至 128 个字符，且不含控制字符。");

    public static ProtocolError InvalidDomain(string domain) =>
        ProtocolErrors.InvalidRequest($"'{domain}' is not a domain name.", $"“{domain}”不是有效的域名。");

    public static ProtocolError DomainTaken(string domain) =>
        ProtocolErrors.InvalidRequest($"The domain {domain} already belongs to an enterprise.", $"域名 {domain} 已属于某个企业。");

    public static ProtocolError AdminTaken(string account) =>
        ProtocolErrors.InvalidRequest($"The administrator account {account} is already used.", $"管理员帐号 {account} 已被使用。");

    public static ProtocolError UnknownClient(string account) =>
        ProtocolErrors.InvalidRequest($"No enterprise has the administrator account {account}.", $"没有企业使用管理员帐号 {account}。");

    public static ProtocolError InvalidAddress(string entry) =>
        ProtocolErrors.InvalidRequest($"'{entry}' is not an IP address or CIDR range.", $"“{entry}”不是有效的 IP 地址或 CIDR 网段。");
}
