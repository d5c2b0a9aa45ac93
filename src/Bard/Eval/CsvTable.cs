using System.Text;

namespace Bard.Eval;

/// <summary>
/// A CSV file read as RFC 4180 says: comma-separated, fields in double quotes may hold commas, newlines and
/// doubled quotes (<c>""</c>). The first row is the header. It reads text; it knows nothing about any benchmark.
/// </summary>
public sealed class CsvTable
{
    readonly Dictionary<string, int> _columns;

    CsvTable(string file, IReadOnlyList<string> header, IReadOnlyList<CsvRow> rows)
    {
        File = file;
        Header = header;
        Rows = rows;
        _columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < header.Count; i++) _columns.TryAdd(header[i], i);
    }

    /// <summary>The file read.</summary>
    public string File { get; }

    /// <summary>Column names, as in the first row.</summary>
    public IReadOnlyList<string> Header { get; }

    /// <summary>Data rows in file order.</summary>
    public IReadOnlyList<CsvRow> Rows { get; }

    /// <summary>Whether the header has this column.</summary>
    public bool HasColumn(string name) => _columns.ContainsKey(name);

    /// <summary>Index of a column; the error names the file, the column and the columns that exist.</summary>
    public int Column(string name) => _columns.TryGetValue(name, out int i) ? i
        : throw new BardException($"{File}: no column '{name}' in the header. The file must be the benchmark's official CSV; its columns are: "
            + string.Join(", ", Header.Take(12).Select(h => $"'{h}'")) + (Header.Count > 12 ? ", …" : "") + ".");

    /// <summary>Reads a CSV file (UTF-8, with or without BOM).</summary>
    public static CsvTable Read(string path)
    {
        if (!System.IO.File.Exists(path)) throw new BardException($"{path}: file not found. Check the path.");
        return Parse(System.IO.File.ReadAllText(path), path);
    }

    /// <summary>Parses CSV text; <paramref name="file"/> is used in messages.</summary>
    public static CsvTable Parse(string text, string file)
    {
        var records = new List<(int Line, List<string> Fields)>();
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false, fieldStarted = false;
        int line = 1, recordLine = 1;
        int i = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
        for (; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                    else quoted = false;
                }
                else
                {
                    if (c == '\n') line++;
                    field.Append(c);
                }
                continue;
            }
            switch (c)
            {
                case '"' when field.Length == 0 && !fieldStarted:
                    quoted = true;
                    fieldStarted = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    fieldStarted = false;
                    break;
                case '\r':
                    break;
                case '\n':
                    fields.Add(field.ToString());
                    field.Clear();
                    fieldStarted = false;
                    if (!(fields.Count == 1 && fields[0].Length == 0)) records.Add((recordLine, fields));
                    fields = [];
                    line++;
                    recordLine = line;
                    break;
                default:
                    field.Append(c);
                    fieldStarted = true;
                    break;
            }
        }
        if (quoted) throw new BardException($"{file}:{recordLine}: a quoted field is not closed before the end of the file. Check the quotes of that row.");
        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            records.Add((recordLine, fields));
        }
        if (records.Count == 0) throw new BardException($"{file}: empty CSV file; it needs a header row.");
        var header = records[0].Fields;
        var rows = new List<CsvRow>();
        foreach (var (ln, f) in records.Skip(1))
        {
            if (f.Count != header.Count)
                throw new BardException($"{file}:{ln}: {f.Count} fields, but the header has {header.Count}. Check the quoting of that row.");
            rows.Add(new CsvRow(ln, f));
        }
        return new CsvTable(file, header, rows);
    }
}
