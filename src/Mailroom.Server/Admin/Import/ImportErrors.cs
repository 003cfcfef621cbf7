using Mailroom.Server.Protocol;

namespace Mailroom.Server.Admin.Import;

/// <summary>Why an import file or one of its rows cannot be imported, in English and Chinese.</summary>
internal static class ImportErrors
{
    public static readonly ProtocolError Empty =
        ProtocolErrors.InvalidRequest("The file has no rows below its header.", "文件在标题行下没有数据行。");

    public static readonly ProtocolError NoAddressColumn =
        ProtocolErrors.InvalidRequest("The header row has no address column (address or 邮箱).", "标题行缺少地址列（address 或 邮箱）。");

    public static readonly ProtocolError NotApplied =
        ProtocolErrors.InvalidRequest("Rows have errors: nothing was imported.", "部分行有错误：未导入任何数据。");

    public static ProtocolError TooLarge(int maxBytes) =>
        ProtocolErrors.InvalidRequest($"The file is larger than {maxBytes / 1024} KiB.", $"文件超过 {maxBytes / 1024} KiB。");

    public static ProtocolError TooManyRows(int maxRows) =>
        ProtocolErrors.InvalidRequest($"The file has more than {maxRows} rows.", $"文件超过 {maxRows} 行。");

    public static ProtocolError UnknownColumn(string name) =>
        ProtocolErrors.InvalidRequest($"Unknown column '{name}'.", $"未知的列“{name}”。");

    public static ProtocolError DuplicateColumn(string name) =>
        ProtocolErrors.InvalidRequest($"The column '{name}' appears twice.", $"列“{name}”出现了两次。");

    public static readonly ProtocolError MissingAddress =
        ProtocolErrors.InvalidRequest("The address is empty.", "地址为空。");

    public static ProtocolError TooManyFields(int line) =>
        ProtocolErrors.InvalidRequest($"Line {line} has more fields than the header row.", $"第 {line} 行的字段比标题行多。");

    public static ProtocolError DuplicateAddress(int firstLine) =>
        ProtocolErrors.InvalidRequest($"The same address is already on line {firstLine}.", $"该地址已在第 {firstLine} 行出现。");

    public static ProtocolError InvalidChoice(string column, string value) =>
        ProtocolErrors.InvalidRequest($"'{value}' is not a valid {column}.", $"“{value}”不是列 {column} 的有效值。");
}
