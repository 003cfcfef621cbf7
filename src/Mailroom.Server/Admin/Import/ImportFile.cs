using Mailroom.Server.Admin.Csv;
using Mailroom.Server.Directory;
using Mailroom.Server.Protocol;

namespace Mailroom.Server.Admin.Import;

/// <summary>
/// A member import file read into rows of user/sync parameters. Only what can be judged from the
/// file alone is checked here (columns, choices, department path syntax, an address given twice);
/// every directory rule is the service's, applied in <see cref="MemberImportService"/>.
/// </summary>
internal sealed class ImportFile
{
    private static readonly char[] ListSeparators = [';', '；', '|'];
    private static readonly char[] AliasSeparators = [';', '；', ',', '，', ' ', '|'];

    private ImportFile(string fileName, IReadOnlyList<ImportRow> rows)
    {
        FileName = fileName;
        Rows = rows;
    }

    public string FileName { get; }

    public IReadOnlyList<ImportRow> Rows { get; }

    /// <summary>Reads the file: a header row naming the columns (see <see cref="ImportColumn"/>), then one member per row.</summary>
    public static Result<ImportFile> Parse(string fileName, ReadOnlySpan<byte> bytes, int maxRows)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        var records = CsvReader.Parse(CsvReader.Decode(bytes));
        if (records.Count < 2)
        {
            return ImportErrors.Empty;
        }

        if (records.Count - 1 > maxRows)
        {
            return ImportErrors.TooManyRows(maxRows);
        }

        var header = records[0].Fields;
        var columns = new ImportColumn?[header.Count];
        for (var i = 0; i < header.Count; i++)
        {
            if (header[i].Trim().Length == 0)
            {
                continue;
            }

            var column = ImportColumn.Find(header[i]);
            if (column is null)
            {
                return ImportErrors.UnknownColumn(header[i].Trim());
            }

            if (columns.Contains(column))
            {
                return ImportErrors.DuplicateColumn(header[i].Trim());
            }

            columns[i] = column;
        }

        if (!columns.Contains(ImportColumn.Address))
        {
            return ImportErrors.NoAddressColumn;
        }

        var rows = new List<ImportRow>(records.Count - 1);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var record in records.Skip(1))
        {
            var row = ParseRow(record, columns);
            if (row.Address.Length > 0 && !seen.TryAdd(row.Address, record.Line) && row.Error is null)
            {
                row = row.WithError(ImportErrors.DuplicateAddress(seen[row.Address]));
            }

            rows.Add(row);
        }

        return new ImportFile(fileName, rows);
    }

    private static ImportRow ParseRow(CsvRecord record, ImportColumn?[] columns)
    {
        var values = new List<KeyValuePair<string, string>>();
        var departments = new List<string>();
        var address = "";
        ProtocolError? error = record.Fields.Count > columns.Length && record.Fields.Skip(columns.Length).Any(f => f.Trim().Length > 0)
            ? ImportErrors.TooManyFields(record.Line)
            : null;
        for (var i = 0; i < columns.Length && i < record.Fields.Count; i++)
        {
            var column = columns[i];
            var value = record.Fields[i].Trim();
            if (column is null || value.Length == 0)
            {
                continue;
            }

            if (column == ImportColumn.Address)
            {
                address = EmailAddress.TryNormalize(value, out var normalized) ? normalized : value;
                values.Add(new(column.Parameter, value));
            }
            else if (column == ImportColumn.Departments)
            {
                foreach (var path in value.Split(ListSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    var parsed = DepartmentPath.Parse(path);
                    if (parsed.Error is { } invalid)
                    {
                        error ??= invalid;
                        continue;
                    }

                    var canonical = parsed.Value!.ToString();
                    values.Add(new(column.Parameter, parsed.Value.IsRoot ? "/" : canonical));
                    if (!parsed.Value.IsRoot && !departments.Contains(canonical, StringComparer.Ordinal))
                    {
                        departments.Add(canonical);
                    }
                }
            }
            else if (column == ImportColumn.Aliases)
            {
                foreach (var alias in value.Split(AliasSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    values.Add(new(column.Parameter, alias));
                }
            }
            else if (column == ImportColumn.Gender)
            {
                var gender = Choice(value, ["0", "unset", "未设置"], ["1", "m", "male", "男"], ["2", "f", "female", "女"]);
                error ??= gender is null ? ImportErrors.InvalidChoice(column.Key, value) : null;
                values.Add(new(column.Parameter, gender ?? ""));
            }
            else if (column == ImportColumn.Enabled)
            {
                var openType = Choice(value, [], ["1", "yes", "y", "true", "enabled", "是", "启用", "正常"], ["2", "0", "no", "n", "false", "disabled", "否", "禁用", "停用"]);
                error ??= openType is null ? ImportErrors.InvalidChoice(column.Key, value) : null;
                values.Add(new(column.Parameter, openType ?? ""));
            }
            else
            {
                values.Add(new(column.Parameter, value));
            }
        }

        if (address.Length == 0)
        {
            error ??= ImportErrors.MissingAddress;
        }

        return new ImportRow(record.Line, address, values, departments, error);
    }

    // The index (as text) of the first list naming the value, case-insensitively; null when none does.
    private static string? Choice(string value, params string[][] lists)
    {
        for (var i = 0; i < lists.Length; i++)
        {
            if (lists[i].Contains(value, StringComparer.OrdinalIgnoreCase))
            {
                return i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return null;
    }
}

/// <summary>
/// One member row: its line, its address (normalized when it is one), its user/sync parameters and
/// the departments it names. Holds a password: never written anywhere but to the service.
/// </summary>
internal sealed class ImportRow(int line, string address, IReadOnlyList<KeyValuePair<string, string>> values, IReadOnlyList<string> departments, ProtocolError? error)
{
    public int Line { get; } = line;

    public string Address { get; } = address;

    public IReadOnlyList<KeyValuePair<string, string>> Values { get; } = values;

    public IReadOnlyList<string> Departments { get; } = departments;

    /// <summary>What is wrong with the row as written, before any directory rule is applied.</summary>
    public ProtocolError? Error { get; } = error;

    public ImportRow WithError(ProtocolError rowError) => new(Line, Address, Values, Departments, rowError);

    /// <summary>The user/sync parameters with the action; the password is given in plain text (Md5=0).</summary>
    public RequestParameters ToParameters(int action)
    {
        var parameters = new RequestParameters();
        parameters.AddBody("Action", action.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var (name, value) in Values)
        {
            parameters.AddBody(name, value);
        }

        return parameters;
    }

    public override string ToString() => $"line {Line}: {Address}";
}
