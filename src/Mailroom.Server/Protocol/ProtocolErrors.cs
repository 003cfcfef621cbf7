namespace Mailroom.Server.Protocol;

/// <summary>The error catalogue of PROTOCOL.md §3.1, with texts in English and Chinese.</summary>
internal static class ProtocolErrors
{
    public static ProtocolError InvalidRequest(string message, string messageZh) =>
        new("1001", "invalid_request", message, messageZh);

    public static ProtocolError Missing(string parameter) =>
        InvalidRequest($"The parameter {parameter} is required.", $"缺少参数 {parameter}。");

    public static ProtocolError Malformed(string parameter) =>
        InvalidRequest($"The parameter {parameter} is malformed.", $"参数 {parameter} 格式错误。");

    public static readonly ProtocolError UnknownPath =
        new("1001", "invalid_request", "There is no such interface.", "接口不存在。", 404);

    public static readonly ProtocolError BodyTooLarge =
        new("1001", "invalid_request", "The request body is too large.", "请求内容过大。", 413);

    public static readonly ProtocolError NotUtf8 =
        InvalidRequest("The request is not valid UTF-8.", "请求不是有效的 UTF-8 编码。");

    public static readonly ProtocolError TooManyParameters =
        InvalidRequest("The request has too many parameters.", "请求参数过多。");

    public static readonly ProtocolError UnreadableBody =
        InvalidRequest("The request body cannot be read as a form, multipart or a flat JSON object.", "无法解析请求内容（表单、multipart 或 JSON 对象）。");

    public static readonly ProtocolError TemporarilyUnavailable =
        new("1002", "temporarily_unavailable", "The service is temporarily unavailable; try again.", "服务暂时不可用，请稍后重试。", 503);

    public static readonly ProtocolError InvalidClient =
        new("1100", "invalid_client", "Unknown client_id or wrong client_secret.", "client_id 不存在或 client_secret 错误。", 401);

    public static readonly ProtocolError UnsupportedGrantType =
        new("1101", "unsupported_grant_type", "grant_type must be client_credentials.", "grant_type 必须为 client_credentials。", 400);

    public static readonly ProtocolError InvalidToken =
        new("1200", "invalid_token", "The access token is missing, unknown, expired or revoked.", "access_token 缺失、无效、已过期或已被撤销。");

    public static readonly ProtocolError ApiDisabled =
        new("1201", "api_disabled", "The administrator has switched the open protocol off.", "管理员已关闭开放协议。");

    public static readonly ProtocolError AddressBlocked =
        new("1202", "ip_freq_block", "This client address is not allowed to call the open protocol.", "该客户端地址不允许调用开放协议。");

    public static readonly ProtocolError RateExceeded =
        new("1202", "ip_freq_block", "Too many requests from this client; slow down.", "该客户端请求过于频繁，请稍后再试。");

    public static readonly ProtocolError InvalidAction =
        new("1203", "invalid_action", "Action must be 1 (delete), 2 (add) or 3 (modify).", "Action 必须为 1（删除）、2（添加）或 3（修改）。");

    public static readonly ProtocolError UserNotFound =
        new("1301", "user_not_found", "No member of this enterprise has that address.", "本企业没有该帐号的成员。");

    public static readonly ProtocolError UserExists =
        new("1302", "user_exists", "That address is already used by a member, an alias or a group.", "该地址已被成员、别名或群组使用。");

    public static ProtocolError InvalidAlias(string parameter) =>
        new("1303", "invalid_alias", $"{parameter} is not an email address in a domain of this enterprise.", $"{parameter} 不是本企业域名下的邮件地址。");

    public static ProtocolError NotAnAlias(string parameter) =>
        new("1303", "invalid_alias", $"{parameter} is not an alias of that member.", $"{parameter} 不是该成员的别名。");

    public static readonly ProtocolError InvalidPassword =
        new("1304", "invalid_password", "The password does not meet the policy (6 to 64 characters; with Md5=1, 32 hex digits).", "密码不符合要求（6 至 64 个字符；Md5=1 时须为 32 位十六进制）。");

    public static readonly ProtocolError TooManySlaves =
        new("1305", "too_many_slaves", "A member may have at most 5 Slave aliases.", "每个成员最多 5 个别名（Slave）。");

    public static ProtocolError SlaveConflict(string address) =>
        new("1306", "slave_conflict", $"The alias {address} is used by another member or group.", $"别名 {address} 已被其他成员或群组使用。");

    public static ProtocolError InvalidField(string field) =>
        new("1307", "invalid_field", $"The field {field} is out of range or too long.", $"字段 {field} 超出范围或过长。");

    public static readonly ProtocolError UserDisabled =
        new("1308", "user_disabled", "The member is disabled.", "该成员已被禁用。");

    public static readonly ProtocolError PartyNotFound =
        new("1310", "party_not_found", "The department does not exist.", "部门不存在。");

    public static readonly ProtocolError PartyNotEmpty =
        new("1311", "party_not_empty", "The department still has sub-departments or members.", "部门下仍有子部门或成员。");

    public static readonly ProtocolError PartyExists =
        new("1312", "party_exists", "The destination department already exists.", "目标部门已存在。");

    public static readonly ProtocolError InvalidPartyPath =
        new("1313", "invalid_party_path", "A department path has at most 5 levels of 1 to 64 characters each, without control characters.", "部门路径最多 5 级，每级 1 至 64 个字符，且不含控制字符。");

    public static readonly ProtocolError PartyMoveIntoSelf =
        new("1314", "party_move_into_self", "A department cannot be moved under itself.", "不能把部门移动到其自身之下。");

    /// <summary>party/sync naming the root (the enterprise itself) where a department is needed: it cannot be deleted, moved or renamed.</summary>
    public static ProtocolError RootDepartment(string parameter) =>
        InvalidRequest(
            $"{parameter} names the root department (the enterprise itself), which cannot be deleted, moved or renamed.",
            $"{parameter} 指向根部门（企业本身），根部门不能被删除、移动或重命名。");

    public static readonly ProtocolError MailboxNotFound =
        new("1400", "mailbox_not_found", "There is no mailbox with that address.", "该邮箱帐号不存在。");

    public static readonly ProtocolError GroupExists =
        new("1500", "group_exists", "That group address is already used.", "该群组地址已被使用。");

    public static readonly ProtocolError GroupNotFound =
        new("1501", "group_not_found", "No group of this enterprise has that address.", "本企业没有该群组。");

    public static readonly ProtocolError InvalidGroupStatus =
        new("1502", "invalid_group_status", "status must be all, inner, group or list.", "status 必须为 all、inner、group 或 list。");

    public static readonly ProtocolError AllowListNotAllowed =
        new("1503", "allow_list_not_allowed", "Only a group whose status is list has an allow list.", "只有 status 为 list 的群组才有权限列表。");

    public static readonly ProtocolError AllowListEmpty =
        new("1504", "allow_list_empty", "The allow list cannot be emptied.", "权限列表不能被清空。");

    public static ProtocolError MemberNotFound(string address) =>
        new("1505", "member_not_found", $"{address} is not a member of this enterprise.", $"{address} 不是本企业的成员。");

    public static ProtocolError NotInGroup(string address) =>
        new("1505", "member_not_found", $"{address} is not a member of this group.", $"{address} 不是该群组的成员。");

    public static ProtocolError NotOnAllowList(string address) =>
        new("1505", "member_not_found", $"{address} is not on this group's allow list.", $"{address} 不在该群组的权限列表中。");

    public static readonly ProtocolError VerInvalid =
        new("1600", "ver_invalid", "Ver must be a non-negative integer no greater than the current version.", "Ver 必须是不大于当前版本号的非负整数。");

    public static readonly ProtocolError TooManyEmails =
        new("1601", "too_many_emails", "user/check takes at most 20 email values.", "user/check 最多检查 20 个地址。");

    public static ProtocolError Internal(string correlationId) =>
        new("1900", "internal_error", $"Internal server error (reference {correlationId}).", $"服务器内部错误（编号 {correlationId}）。");
}
