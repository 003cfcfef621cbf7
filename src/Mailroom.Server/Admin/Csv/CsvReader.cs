using System.Text;

namespace Mailroom.Server.Admin.Csv;

/// <summary>
/// Reads CSV as RFC 4180 describes it, and as spreadsheet programs write it: fields separated by
/// commas, records by CRLF or LF, a field in double quotes may hold commas, line breaks and doubled
/// quotes. A byte-order mark is dropped; blank records are skipped.
/// </summary>
internal static class CsvReader
{
    /// <summary>Every record with the line it starts on (1-based).</summary>
    public static List<CsvRecord> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var records = new List<CsvRecord>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var quoted = false;
        var wasQuoted = false;
        var i = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    if (c == '\n')
                    {
                        line++;
                    }

                    field.Append(c);
                }

                continue;
            }

            switch (c)
            {
                case '"' when field.Length == 0 && !wasQuoted:
                    quoted = wasQuoted = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    wasQuoted = false;
                    break;
                case '\r' when i + 1 < text.Length && text[i + 1] == '\n':
                    break;
                case '\r' or '\n':
                    fields.Add(field.ToString());
                    field.Clear();
                    wasQuoted = false;
                    AddRecord(records, fields, recordLine);
                    fields = [];
                    line++;
                    recordLine = line;
                    break;
                default:
                    // Text after a closing quote ("a"b) is kept, as spreadsheet programs do.
                    field.Append(c);
                    break;
            }
        }

        if (field.Length > 0 || fields.Count > 0 || wasQuoted)
        {
            fields.Add(field.ToString());
            AddRecord(records, fields, recordLine);
        }

        return records;
    }

    /// <summary>
    /// The text of a CSV file: UTF-8 (with or without a byte-order mark), or else GB 18030, in which
    /// spreadsheet programs on Chinese Windows save "CSV (comma delimited)".
    /// </summary>
    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return CodePagesEncodingProvider.Instance.GetEncoding(54936)!.GetString(bytes);
        }
    }

    private static void AddRecord(List<CsvRecord> records, List<string> fields, int line)
    {
        if (fields.Count == 1 && fields[0].Length == 0)
        {
            return;
        }

        records.Add(new CsvRecord(line, fields));
    }
}

/// <summary>One CSV record and the line of the file it starts on.</summary>
internal sealed record CsvRecord(int Line, IReadOnlyList<string> Fields);
