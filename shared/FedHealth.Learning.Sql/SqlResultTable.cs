using System.Data.Common;
using System.Globalization;
using FedHealth.Learning.Data;

namespace FedHealth.Learning.Sql;

/// <summary>
/// Turns a query's result into the text cells a CSV file gives, under the schema's column names: NULL becomes an
/// empty cell and numbers their round-trip text, so the schema reader treats both sources alike.
/// </summary>
public static class SqlResultTable
{
    public static CsvTable From(DbDataReader reader, string source, DataSchema schema, IReadOnlyList<ColumnDeclaration> needed,
        IReadOnlyDictionary<string, string>? columns)
    {
        var mapping = columns ?? new Dictionary<string, string>();
        var unknown = mapping.Keys.Where(k => needed.All(c => c.Name != k)).ToList();
        if (unknown.Count > 0)
            throw new DataException($"{source}: columns maps {string.Join(", ", unknown.Select(u => $"'{u}'"))}, not a column of schema '{schema.Name}' or " +
                $"the row filter (those are: {string.Join(", ", needed.Select(c => c.Name))})");

        var result = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        var resultColumn = needed.Select(c => mapping.GetValueOrDefault(c.Name, c.Name)).ToList();
        var missing = needed.Select((c, i) => (c.Name, Result: resultColumn[i])).Where(c => !result.Contains(c.Result)).ToList();
        if (missing.Count > 0)
            throw new DataException($"{source}: column{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing.Select(Named))} declared in schema " +
                $"'{schema.Name}' or the row filter missing from the query's result (the result has: {string.Join(", ", result)})");
        var twice = resultColumn.Distinct().FirstOrDefault(r => result.Count(n => n == r) > 1);
        if (twice is not null) throw new DataException($"{source}: result column '{twice}' appears twice in the query's result; give one an alias");

        var ordinals = resultColumn.Select(r => result.IndexOf(r)).ToList();
        var rows = new List<CsvRow>();
        while (reader.Read())
        {
            var cells = new string[needed.Count];
            for (var i = 0; i < needed.Count; i++)
            {
                var value = reader.GetValue(ordinals[i]);
                cells[i] = Cell(value, needed[i].Type) ?? throw new DataException(
                    $"{source}: row {rows.Count + 1}, column '{needed[i].Name}' (result column '{resultColumn[i]}') of schema '{schema.Name}': a " +
                        $"{value.GetType().Name} value does not convert to a {needed[i].Type}");
            }
            rows.Add(new CsvRow(rows.Count + 1, cells));
        }
        if (rows.Count == 0) throw new DataException($"{source}: the query returned no rows");
        return new CsvTable { Path = source, Header = needed.Select(c => c.Name).ToList(), Rows = rows, RowUnit = "row", SourceColumns = resultColumn };
    }

    /// <summary>
    /// One value as the text a CSV cell would hold, or null when it has no such text: NULL is an empty cell, numbers
    /// are written so they parse back to the same value, text passes as it is (the schema reader parses it as a
    /// CSV cell), and a boolean is 1/0 in a number column and true/false in a category column.
    /// </summary>
    public static string? Cell(object value, string declaredType) => value switch
    {
        DBNull or null => "",
        string s => s,
        char c => c.ToString(),
        bool b => declaredType == "number" ? (b ? "1" : "0") : (b ? "true" : "false"),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        decimal or sbyte or byte or short or ushort or int or uint or long or ulong => Convert.ToString(value, CultureInfo.InvariantCulture),
        _ => null,
    };

    private static string Named((string Name, string Result) c) => c.Name == c.Result ? $"'{c.Name}'" : $"'{c.Name}' (result column '{c.Result}')";
}
