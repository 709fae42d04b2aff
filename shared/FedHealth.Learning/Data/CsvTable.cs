using System.Text;

namespace FedHealth.Learning.Data;

/// <summary>
/// A table of text cells read whole: the header and each row with where it came from. A CSV file (RFC 4180 quoting)
/// or a query's result turned into the same cells, so both go through one <see cref="SchemaReader"/>.
/// </summary>
public sealed class CsvTable
{
    /// <summary>The source named in every error: the file's path, or a description of the database and query.</summary>
    public required string Path { get; init; }
    public required IReadOnlyList<string> Header { get; init; }
    public required IReadOnlyList<CsvRow> Rows { get; init; }
    /// <summary>What a row's number counts in errors: a "line" of a file, or a "row" of a query's result.</summary>
    public string RowUnit { get; init; } = "line";
    /// <summary>For a query's result, the result column each header column was read from (a site may rename).</summary>
    public IReadOnlyList<string>? SourceColumns { get; init; }

    public int IndexOf(string column) => Header.ToList().IndexOf(column);

    /// <summary>Where a column is in the source, for errors: its field number in a file, its result column in a query.</summary>
    public string Locate(string column) =>
        SourceColumns is { } source ? $"result column '{source[IndexOf(column)]}'" : $"field {IndexOf(column) + 1}";

    public static CsvTable Read(string path)
    {
        if (!File.Exists(path)) throw new DataException($"{path}: file not found");
        var lines = File.ReadAllLines(path);
        var first = Array.FindIndex(lines, l => !string.IsNullOrWhiteSpace(l));
        if (first < 0) throw new DataException($"{path}: the file is empty (no header, no rows)");
        var header = Split(lines[first], path, first + 1).Select(h => h.Trim()).ToList();
        var duplicate = header.GroupBy(h => h).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new DataException($"{path}: line {first + 1}: column '{duplicate.Key}' appears twice in the header");
        var rows = new List<CsvRow>();
        for (var i = first + 1; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            var fields = Split(lines[i], path, i + 1);
            if (fields.Count != header.Count)
                throw new DataException($"{path}: line {i + 1}: {fields.Count} fields, the header has {header.Count}");
            rows.Add(new CsvRow(i + 1, fields));
        }
        if (rows.Count == 0) throw new DataException($"{path}: the file has a header but no rows");
        return new CsvTable { Path = path, Header = header, Rows = rows };
    }

    private static List<string> Split(string line, string path, int lineNumber)
    {
        var fields = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { current.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else current.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(current.ToString()); current.Clear(); }
            else current.Append(c);
        }
        if (quoted) throw new DataException($"{path}: line {lineNumber}: a quoted field is not closed");
        fields.Add(current.ToString());
        return fields;
    }
}

/// <summary>One data row and the 1-based line of the file (or row of the result) it was read from.</summary>
public sealed record CsvRow(int Line, IReadOnlyList<string> Fields);
