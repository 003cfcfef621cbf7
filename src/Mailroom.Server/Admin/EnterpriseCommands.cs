using System.Globalization;
using Mailroom.Server.Auth;

namespace Mailroom.Server.Admin;

/// <summary><c>enterprise ...</c>: enterprises and their open-protocol clients (PROTOCOL.md §8).</summary>
internal static class EnterpriseCommands
{
    private const string Settings = "--Mailroom:Key=value";

    public static IEnumerable<OperatorCommand> All =>
    [
        new(
            "enterprise",
            "create",
            ["domain", "admin", "name", "password"],
            ("Create an enterprise and print its interface key once", "创建企业，并显示一次其接口密钥"),
            (
                $"""
                Usage: {OperatorCommands.Executable} enterprise create --domain <domain> [--domain <domain> ...] --admin <account> [--name <name>] [--password <password>] [{Settings} ...]

                Creates an enterprise owning the given mail domains, and its open-protocol client whose
                client_id is the administrator account. Prints the interface key (client_secret) on
                stdout; it is shown only this once (a note on stderr says so). Without --password, a
                console password is generated and shown once on stderr (stdout stays the key alone).

                  --domain <domain>      a mail domain of the enterprise; repeat, or separate with commas
                  --admin <account>      the administrator account = the client_id of the open protocol
                  --name <name>          the enterprise's name (default: its first domain)
                  --password <password>  the administrator's password for the console at /admin
                                         (8 to 128 characters)
                """,
                $"""
                用法：{OperatorCommands.Executable} enterprise create --domain <域名> [--domain <域名> ...] --admin <帐号> [--name <名称>] [--password <密码>] [{Settings} ...]

                创建拥有这些邮件域名的企业，以及它的开放协议客户端（client_id 即管理员帐号）。
                接口密钥（client_secret）输出到标准输出，仅显示这一次（标准错误上有提示）。
                未给出 --password 时，生成管理端密码并在标准错误上显示一次（标准输出仍只有密钥）。

                  --domain <域名>     企业的邮件域名；可重复，或用逗号分隔
                  --admin <帐号>      管理员帐号，即开放协议的 client_id
                  --name <名称>       企业名称（默认为第一个域名）
                  --password <密码>   管理员登录管理端（/admin）的密码（8 至 128 个字符）
                """),
            CreateAsync),
        new(
            "enterprise",
            "set-password",
            ["admin", "password"],
            ("Set the administrator's console password", "设置管理员的管理端密码"),
            (
                $"""
                Usage: {OperatorCommands.Executable} enterprise set-password --admin <account> [--password <password>] [{Settings} ...]

                Sets the password the administrator <account> signs in to the console (/admin) with.
                Without --password a random one is generated and printed once on stdout. Every console
                session signed in with the old password ends.

                  --password <password>  8 to 128 characters
                """,
                $"""
                用法：{OperatorCommands.Executable} enterprise set-password --admin <帐号> [--password <密码>] [{Settings} ...]

                设置管理员 <帐号> 登录管理端（/admin）的密码。未给出 --password 时随机生成一个，
                并在标准输出上仅显示一次。用旧密码登录的管理端会话全部失效。

                  --password <密码>   8 至 128 个字符
                """),
            SetPasswordAsync),
        new(
            "enterprise",
            "list",
            [],
            ("List enterprises with their domains, client and access settings", "列出企业及其域名、客户端和访问设置"),
            (
                $"""
                Usage: {OperatorCommands.Executable} enterprise list [{Settings} ...]

                One line per enterprise: id, name, domains, administrator (client_id), whether the open
                protocol is on, allowed client addresses, rate limit, members and directory version.
                """,
                $"""
                用法：{OperatorCommands.Executable} enterprise list [{Settings} ...]

                每个企业一行：编号、名称、域名、管理员（client_id）、开放协议是否开启、允许的客户端地址、
                频率限制、成员数和通讯录版本号。
                """),
            ListAsync),
        new(
            "enterprise",
            "rotate-key",
            ["admin"],
            ("Regenerate the interface key (revokes every token) and print it once", "重新生成接口密钥（撤销所有 token）并显示一次"),
            (
                $"""
                Usage: {OperatorCommands.Executable} enterprise rotate-key --admin <account> [{Settings} ...]

                Regenerates the interface key of the client <account> and prints the new key once on
                stdout. Every access token issued before is void at once.
                """,
                $"""
                用法：{OperatorCommands.Executable} enterprise rotate-key --admin <帐号> [{Settings} ...]

                重新生成客户端 <帐号> 的接口密钥，新密钥在标准输出上仅显示一次。此前签发的所有
                access token 立即失效。
                """),
            RotateKeyAsync),
        new(
            "enterprise",
            "disable-api",
            ["admin"],
            ("Switch the open protocol off (revokes every token)", "关闭开放协议（撤销所有 token）"),
            (
                $"""
                Usage: {OperatorCommands.Executable} enterprise disable-api --admin <account> [{Settings} ...]

                Switches the open protocol of the client <account> off: calls are answered api_disabled
                and every access token issued before is void, also after switching it on again.
                """,
                $"""
                用法：{OperatorCommands.Executable} enterprise disable-api --admin <帐号> [{Settings} ...]

                关闭客户端 <帐号> 的开放协议：调用将返回 api_disabled，此前签发的所有 access token
                失效，重新开启后也不会恢复。
                """),
            (args, console, ct) => SetApiAsync(args, console, enabled: false, ct)),
        new(
            "enterprise",
            "enable-api",
            ["admin"],
            ("Switch the open protocol on", "开启开放协议"),
            (
                $"""
                Usage: {OperatorCommands.Executable} enterprise enable-api --admin <account> [{Settings} ...]

                Switches the open protocol of the client <account> on; the client fetches new tokens.
                """,
                $"""
                用法：{OperatorCommands.Executable} enterprise enable-api --admin <帐号> [{Settings} ...]

                开启客户端 <帐号> 的开放协议；客户端需重新获取 token。
                """),
            (args, console, ct) => SetApiAsync(args, console, enabled: true, ct)),
        new(
            "enterprise",
            "set-access",
            ["admin", "allowed", "rate-limit"],
            ("Set the allowed client addresses and the rate limit", "设置允许的客户端地址和频率限制"),
            (
                $"""
                Usage: {OperatorCommands.Executable} enterprise set-access --admin <account> [--allowed <addresses>] [--rate-limit <n>] [{Settings} ...]

                  --allowed <addresses>  IP addresses and CIDR ranges allowed to call the open protocol,
                                         comma-separated ("10.0.0.0/8,192.0.2.7"); "" allows any address.
                                         Others are answered ip_freq_block.
                  --rate-limit <n>       requests per second the client may make; 0 = unlimited.
                Options left out keep their current value.
                """,
                $"""
                用法：{OperatorCommands.Executable} enterprise set-access --admin <帐号> [--allowed <地址>] [--rate-limit <n>] [{Settings} ...]

                  --allowed <地址>    允许调用开放协议的 IP 地址和 CIDR 网段，用逗号分隔
                                      （"10.0.0.0/8,192.0.2.7"）；"" 表示允许任何地址。其他地址将收到 ip_freq_block。
                  --rate-limit <n>    客户端每秒最多请求数；0 表示不限。
                未给出的选项保持原值。
                """),
            SetAccessAsync),
    ];

    private static async Task<int> CreateAsync(OperatorArguments args, OperatorConsole console, CancellationToken cancellationToken)
    {
        const string usage = $"{OperatorCommands.Executable} enterprise create";
        var domains = args.All("domain");
        if (domains.Count == 0)
        {
            return console.Usage("--domain is required.", "缺少 --domain。", usage);
        }

        if (RequireAdmin(args, console, usage, out var admin) is { } failed)
        {
            return failed;
        }

        if (args.Count("name") > 1)
        {
            return console.Usage("--name may be given once.", "--name 只能给出一次。", usage);
        }

        if (args.Count("password") > 1)
        {
            return console.Usage("--password may be given once.", "--password 只能给出一次。", usage);
        }

        var given = args.Single("password");
        var password = given ?? AdminPasswords.Generate();
        await using var host = OperatorHost.Open(args.Settings, requireDatabase: false, out _)!;
        var created = await host.Get<EnterpriseService>().CreateAsync(
            args.Single("name") ?? "", domains, admin, cancellationToken, adminPassword: password, actor: AdminActor.Operator);
        if (created.Error is { } error)
        {
            return console.Refuse(error);
        }

        var enterprise = created.Value!;
        var who = OperatorConsole.Clean(enterprise.ClientId);
        if (given is null)
        {
            // For the person at the terminal; stdout stays the key alone, so KEY=$(... enterprise create ...) keeps working.
            console.Note(
                $"Console password of {who} (sign in at /admin), shown only now: {password}",
                $"{who} 的管理端（/admin）登录密码，仅此一次显示：{password}");
        }

        console.Note(
            $"Enterprise {enterprise.EnterpriseId} created. Interface key (client_secret) of client_id {who}, shown only now:",
            $"企业 {enterprise.EnterpriseId} 已创建。client_id {who} 的接口密钥（client_secret）仅此一次显示：");
        console.Result(enterprise.InterfaceKey);
        return OperatorConsole.Success;
    }

    private static async Task<int> SetPasswordAsync(OperatorArguments args, OperatorConsole console, CancellationToken cancellationToken)
    {
        const string usage = $"{OperatorCommands.Executable} enterprise set-password";
        if (RequireAdmin(args, console, usage, out var admin) is { } failed)
        {
            return failed;
        }

        if (args.Count("password") > 1)
        {
            return console.Usage("--password may be given once.", "--password 只能给出一次。", usage);
        }

        var given = args.Single("password");
        if (given is not null && !AdminPasswords.IsAcceptable(given))
        {
            return console.Refuse(AdminErrors.InvalidPassword);
        }

        await using var host = OpenExisting(args, console, out var missing);
        if (host is null)
        {
            return missing;
        }

        var password = given ?? AdminPasswords.Generate();
        var result = await host.Get<EnterpriseService>().SetAdminPasswordAsync(admin, password, cancellationToken, AdminActor.Operator);
        if (result.Error is { } error)
        {
            return console.Refuse(error);
        }

        var who = OperatorConsole.Clean(admin);
        if (given is null)
        {
            console.Note(
                $"New console password of {who}, shown only now; earlier console sessions have ended:",
                $"{who} 的新管理端密码仅此一次显示；此前的管理端会话均已结束：");
            console.Result(password);
        }
        else
        {
            console.Result(console.Text(
                $"The console password of {who} is set; earlier console sessions have ended.",
                $"{who} 的管理端密码已设置；此前的管理端会话均已结束。"));
        }

        return OperatorConsole.Success;
    }

    private static async Task<int> ListAsync(OperatorArguments args, OperatorConsole console, CancellationToken cancellationToken)
    {
        await using var host = OpenExisting(args, console, out var missing);
        if (host is null)
        {
            return missing;
        }

        var enterprises = await host.Get<EnterpriseService>().OverviewAsync(cancellationToken);
        if (enterprises.Count == 0)
        {
            console.Note(
                $"No enterprise yet; create one with '{OperatorCommands.Executable} enterprise create'.",
                $"还没有企业；请用“{OperatorCommands.Executable} enterprise create”创建。");
            return OperatorConsole.Success;
        }

        string[] headers = console.Chinese
            ? ["编号", "名称", "域名", "管理员", "接口", "允许地址", "频率限制", "成员", "版本"]
            : ["ID", "NAME", "DOMAINS", "ADMIN", "API", "ALLOWED", "RATE", "MEMBERS", "VERSION"];
        var rows = enterprises.Select(e => (IReadOnlyList<string>)
        [
            e.Enterprise.Id.ToString(CultureInfo.InvariantCulture),
            OperatorConsole.Clean(e.Enterprise.Name),
            string.Join(',', e.Domains),
            e.Enterprise.ClientId is { } client ? OperatorConsole.Clean(client) : "-",
            e.Enterprise.ClientId is null ? "-" : e.Enterprise.ApiEnabled ? console.Text("on", "开") : console.Text("off", "关"),
            AllowedText(console, e.Enterprise.AllowedAddresses),
            RateText(console, e.Enterprise.RateLimit),
            e.Enterprise.Members.ToString(CultureInfo.InvariantCulture),
            e.Enterprise.Version.ToString(CultureInfo.InvariantCulture),
        ]).ToList();
        console.Table(headers, rows);
        return OperatorConsole.Success;
    }

    private static async Task<int> RotateKeyAsync(OperatorArguments args, OperatorConsole console, CancellationToken cancellationToken)
    {
        if (RequireAdmin(args, console, $"{OperatorCommands.Executable} enterprise rotate-key", out var admin) is { } failed)
        {
            return failed;
        }

        await using var host = OpenExisting(args, console, out var missing);
        if (host is null)
        {
            return missing;
        }

        var rotated = await host.Get<EnterpriseService>().RotateKeyAsync(admin, cancellationToken, AdminActor.Operator);
        if (rotated.Error is { } error)
        {
            return console.Refuse(error);
        }

        console.Note(
            $"New interface key (client_secret) of client_id {OperatorConsole.Clean(admin)}, shown only now; every earlier token is void:",
            $"client_id {OperatorConsole.Clean(admin)} 的新接口密钥（client_secret）仅此一次显示；此前的 token 均已失效：");
        console.Result(rotated.Value!);
        return OperatorConsole.Success;
    }

    private static async Task<int> SetApiAsync(OperatorArguments args, OperatorConsole console, bool enabled, CancellationToken cancellationToken)
    {
        if (RequireAdmin(args, console, $"{OperatorCommands.Executable} enterprise {(enabled ? "enable-api" : "disable-api")}", out var admin) is { } failed)
        {
            return failed;
        }

        await using var host = OpenExisting(args, console, out var missing);
        if (host is null)
        {
            return missing;
        }

        var result = await host.Get<EnterpriseService>().SetApiEnabledAsync(admin, enabled, cancellationToken, AdminActor.Operator);
        if (result.Error is { } error)
        {
            return console.Refuse(error);
        }

        var who = OperatorConsole.Clean(admin);
        console.Result(enabled
            ? console.Text($"The open protocol of {who} is on.", $"{who} 的开放协议已开启。")
            : console.Text($"The open protocol of {who} is off; its tokens are void.", $"{who} 的开放协议已关闭，其 token 均已失效。"));
        return OperatorConsole.Success;
    }

    private static async Task<int> SetAccessAsync(OperatorArguments args, OperatorConsole console, CancellationToken cancellationToken)
    {
        const string usage = $"{OperatorCommands.Executable} enterprise set-access";
        if (RequireAdmin(args, console, usage, out var admin) is { } failed)
        {
            return failed;
        }

        var allowed = args.Single("allowed");
        var rateText = args.Single("rate-limit");
        if (allowed is null && rateText is null)
        {
            return console.Usage("give --allowed, --rate-limit or both.", "请给出 --allowed、--rate-limit 或两者。", usage);
        }

        if (allowed is not null && !AllowedAddresses.TryParse(allowed, out _, out var invalid))
        {
            return console.Usage($"'{OperatorConsole.Clean(invalid)}' is not an IP address or CIDR range.", $"“{OperatorConsole.Clean(invalid)}”不是有效的 IP 地址或 CIDR 网段。", usage);
        }

        int? rate = null;
        if (rateText is not null)
        {
            if (!int.TryParse(rateText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                return console.Usage("--rate-limit must be 0 (unlimited) or a positive whole number of requests per second.", "--rate-limit 须为 0（不限）或每秒请求数（正整数）。", usage);
            }

            rate = parsed;
        }

        await using var host = OpenExisting(args, console, out var missing);
        if (host is null)
        {
            return missing;
        }

        var enterprises = host.Get<EnterpriseService>();
        var result = await enterprises.SetAccessAsync(admin, allowed, rate, cancellationToken, AdminActor.Operator);
        if (result.Error is { } error)
        {
            return console.Refuse(error);
        }

        var now = (await enterprises.OverviewAsync(cancellationToken)).First(e => string.Equals(e.Enterprise.ClientId, admin, StringComparison.Ordinal)).Enterprise;
        var who = OperatorConsole.Clean(admin);
        console.Result(console.Text(
            $"Access of {who}: allowed addresses {AllowedText(console, now.AllowedAddresses)}; rate limit {RateText(console, now.RateLimit)}.",
            $"{who} 的访问设置：允许地址 {AllowedText(console, now.AllowedAddresses)}；频率限制 {RateText(console, now.RateLimit)}。"));
        return OperatorConsole.Success;
    }

    private static int? RequireAdmin(OperatorArguments args, OperatorConsole console, string usage, out string admin)
    {
        admin = (args.Single("admin") ?? "").Trim();
        if (admin.Length == 0)
        {
            return console.Usage("--admin is required.", "缺少 --admin。", usage);
        }

        return args.Count("admin") > 1 ? console.Usage("--admin may be given once.", "--admin 只能给出一次。", usage) : null;
    }

    /// <summary>The host over an existing database; null (and exit code 1, reported) when there is none.</summary>
    internal static OperatorHost? OpenExisting(OperatorArguments args, OperatorConsole console, out int exitCode)
    {
        var host = OperatorHost.Open(args.Settings, requireDatabase: true, out var path);
        exitCode = OperatorConsole.Success;
        if (host is null)
        {
            console.Note(
                $"There is no Mailroom database at {path}. Set Mailroom:DataDir to the server's data directory.",
                $"{path} 处没有 Mailroom 数据库。请把 Mailroom:DataDir 设为服务器的数据目录。");
            exitCode = OperatorConsole.Refused;
        }

        return host;
    }

    private static string AllowedText(OperatorConsole console, string allowed) =>
        allowed.Length == 0 ? console.Text("any", "任意") : allowed;

    private static string RateText(OperatorConsole console, int perSecond) =>
        perSecond == 0 ? console.Text("unlimited", "不限") : console.Text($"{perSecond}/s", $"每秒 {perSecond} 次");
}
