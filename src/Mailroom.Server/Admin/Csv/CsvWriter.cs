using System.Text;

namespace Mailroom.Server.Admin.Csv;

/// <summary>
/// Writes CSV (RFC 4180) for spreadsheet programs: UTF-8 with a byte-order mark, so that Excel
/// reads Chinese correctly; CRLF between records; fields quoted when they hold a comma, quote or
/// line break. A cell a spreadsheet would run as a formula (starting with = + - @, tab or CR) gets a
/// leading apostrophe (OWASP "CSV injection"): log lines hold text that callers chose.
/// </summary>
internal sealed class CsvWriter(TextWriter writer)
{
    /// <summary>The encoding to create the writer with: UTF-8 that writes a byte-order mark first.</summary>
    public static Encoding Encoding { get; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true);

    public Task WriteRecordAsync(IEnumerable<string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        return writer.WriteAsync(Format(fields) + "\r\n");
    }

    public static string Format(IEnumerable<string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        return string.Join(',', fields.Select(Cell));
    }

    public static string Cell(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 || (value.Length > 0 && (value[0] == ' ' || value[^1] == ' '))
            ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : value;
    }
}
