namespace Mailroom.Server.Admin.Import;

/// <summary>
/// The columns a member import understands, each named in English or Chinese in the header row
/// (case-insensitive), and the user/sync parameter it fills.
/// </summary>
internal sealed record ImportColumn(string Key, string Parameter, string[] Names)
{
    public static readonly ImportColumn Address = new("address", "Alias", ["address", "alias", "email", "邮箱", "帐号", "账号", "邮箱地址"]);
    public static readonly ImportColumn Name = new("name", "Name", ["name", "姓名", "名字"]);
    public static readonly ImportColumn Password = new("password", "Password", ["password", "密码"]);
    public static readonly ImportColumn Departments = new("departments", "PartyPath", ["departments", "department", "partypath", "部门"]);
    public static readonly ImportColumn Position = new("position", "Position", ["position", "title", "职位", "职务"]);
    public static readonly ImportColumn Mobile = new("mobile", "Mobile", ["mobile", "手机", "手机号"]);
    public static readonly ImportColumn Tel = new("tel", "Tel", ["tel", "phone", "电话", "座机"]);
    public static readonly ImportColumn ExtId = new("ext_id", "ExtId", ["ext_id", "extid", "employee_id", "工号", "编号"]);
    public static readonly ImportColumn Gender = new("gender", "Gender", ["gender", "性别"]);
    public static readonly ImportColumn Aliases = new("aliases", "Slave", ["aliases", "slave", "slaves", "别名"]);
    public static readonly ImportColumn Enabled = new("enabled", "OpenType", ["enabled", "status", "启用", "状态"]);

    public static IReadOnlyList<ImportColumn> All { get; } = [Address, Name, Password, Departments, Position, Mobile, Tel, ExtId, Gender, Aliases, Enabled];

    public static ImportColumn? Find(string header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var name = header.Trim();
        return All.FirstOrDefault(c => c.Names.Any(n => n.Equals(name, StringComparison.OrdinalIgnoreCase)));
    }
}
