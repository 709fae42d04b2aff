using System.Globalization;

namespace FedHealth.Learning.Data;

/// <summary>Applies a <see cref="DataSchema"/> to a local table, refusing it with the source, line and column named.</summary>
public static class SchemaReader
{
    public static TabularData Read(string csvPath, DataSchema schema, RowFilter? rows = null) => Read(CsvTable.Read(csvPath), schema, rows);

    /// <summary>The columns a table must have for <paramref name="schema"/> and <paramref name="rows"/>, with their declared types.</summary>
    public static IReadOnlyList<ColumnDeclaration> Needed(DataSchema schema, RowFilter? rows) =>
        schema.Columns.Concat(rows is null || schema.Columns.Any(c => c.Name == rows.Column) ? []
            : [new ColumnDeclaration { Name = rows.Column, Type = "number" }]).ToList();

    /// <summary>Applies the schema to a table already read (a CSV file's, or a query's result as the same text cells).</summary>
    public static TabularData Read(CsvTable table, DataSchema schema, RowFilter? rows = null)
    {
        var csvPath = table.Path;
        var missing = schema.Columns.Select(c => c.Name).Concat(rows is null ? [] : [rows.Column]).Distinct().Where(c => table.IndexOf(c) < 0).ToList();
        if (missing.Count > 0)
            throw new DataException($"{csvPath}: line 1: column{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing.Select(m => $"'{m}'"))} declared " +
                $"in schema '{schema.Name}' or the row filter missing from the header (header has: {string.Join(", ", table.Header)})");

        var features = new List<float>();
        var labels = new List<float>();
        var times = schema.Label.Kind == LabelDefinition.Survival ? new List<float>() : null;
        var groups = schema.Subgroups.ToDictionary(g => g.Name, _ => new List<string>());
        foreach (var row in table.Rows)
        {
            var cell = new Cell(table, row, schema);
            if (rows is not null && (cell.IsMissing(rows.Column) || !Within(cell.Number(rows.Column), rows))) continue;
            var label = Label(cell, schema.Label);
            if (label is null) continue;
            foreach (var f in schema.Features) features.Add((float)Feature(cell, f));
            foreach (var g in schema.Subgroups) groups[g.Name].Add(Group(cell, g));
            labels.Add(label.Value);
            times?.Add((float)EventTime(cell, schema.Label).Time);
        }
        var data = new TabularData(schema.FeatureNames, features.ToArray(), labels.ToArray(), groups.ToDictionary(g => g.Key, g => g.Value.ToArray()),
            times?.ToArray(), LabelTask.Of(schema.Label));
        if (data.Rows == 0) throw new DataException($"{csvPath}: no row has a label under schema '{schema.Name}' (after the row filter)");
        if (schema.Label.Kind == LabelDefinition.Regression) return data;
        if (schema.Label.Kind == LabelDefinition.Multiclass)
        {
            var present = data.Labels.Distinct().Count();
            return present >= 2 ? data : throw new DataException($"{csvPath}: the label has one class only ('{schema.Label.Classes![(int)data.Labels[0]]}' " +
                $"in {data.Rows} labelled rows); a site needs at least two classes to train and evaluate");
        }
        if (data.Positives == 0 || data.Positives == data.Rows)
            throw new DataException($"{csvPath}: the label has one class only ({(data.Positives == 0 ? "all negative" : "all positive")} in {data.Rows} " +
                "labelled rows); a site needs both classes to train and evaluate");
        return data;
    }

    /// <summary>
    /// A row's time and whether an event happened: the time of the first listed event that happened, taken from that
    /// event's own time column (timeColumns[i] dates eventColumns[i]); with none, the last time column, the follow-up.
    /// Never the minimum of the time columns: a death after the recurrence follow-up ended would be dated to its end
    /// (R survival's rotterdam: time rtime where recur = 1, else dtime; event max(recur, death)).
    /// </summary>
    private static (double Time, bool Happened) EventTime(Cell cell, LabelDefinition l)
    {
        for (var i = 0; i < l.EventColumns!.Count; i++)
            if (Happened(cell, l, l.EventColumns[i])) return (cell.Number(l.TimeColumns![i]), true);
        return (cell.Number(l.TimeColumns![^1]), false);
    }

    private static bool Happened(Cell cell, LabelDefinition l, string column)
    {
        var v = cell.Number(column);
        if (l.EventValue is not { } ev) return v >= 0.5;
        if (v != ev && v != l.CensoredValue)
            throw cell.Error(column, $"{v} is neither the event value {ev} nor the censored value {l.CensoredValue}");
        return v == ev;
    }

    private static bool Within(double v, RowFilter f) =>
        f.Values is { } values ? values.Contains(v) : (f.Min is not { } min || v >= min) && (f.Max is not { } max || v <= max);

    private static float? Label(Cell cell, LabelDefinition l)
    {
        if (l.Kind == LabelDefinition.Binary)
            return l.Positive!.Contains(cell.Text(l.Column!)) ? 1f : 0f;
        if (l.Kind == LabelDefinition.Multiclass)
        {
            var text = cell.Text(l.Column!);
            var index = l.Classes!.Select(c => c.Trim()).ToList().IndexOf(text);
            return index >= 0 ? index
                : throw cell.Error(l.Column!, $"'{text}' is not one of the label's classes (declared: {string.Join(", ", l.Classes!)})");
        }
        if (l.Kind == LabelDefinition.Regression)
            // A missing outcome is not a value to learn: the row has no label, as a censored row has none before a horizon.
            return cell.IsMissing(l.Column!) ? null : (float)((cell.Number(l.Column!) - (l.Center ?? 0)) / (l.Scale ?? 1));
        if (l.Kind == LabelDefinition.Survival) return EventTime(cell, l).Happened ? 1f : 0f;
        var (time, happened) = EventTime(cell, l);
        if (happened && time <= l.Horizon) return 1f;
        if (time >= l.Horizon) return 0f;
        return null; // censored before the horizon: outcome unknown
    }

    private static string Group(Cell cell, SubgroupDefinition g)
    {
        if (g.Categories is { } map)
        {
            var text = cell.Text(g.Column);
            return map.TryGetValue(text, out var group) ? group
                : throw cell.Error(g.Column, $"'{text}' is not a category of subgroup '{g.Name}' (known: {string.Join(", ", map.Keys)})");
        }
        var value = cell.Number(g.Column);
        var index = Array.FindIndex(g.Bands!, edge => value <= edge);
        return g.Groups()[index < 0 ? g.Bands!.Length : index];
    }

    private static double Feature(Cell cell, FeatureDefinition f)
    {
        double x;
        if (f.MissingIndicator) x = cell.IsMissing(f.Column) ? 1 : 0;
        else if (f.Categories is { } map)
        {
            var text = cell.Text(f.Column);
            if (!map.TryGetValue(text, out x))
                throw cell.Error(f.Column, $"'{text}' is not a known category (known: {string.Join(", ", map.Keys)})");
        }
        else
        {
            x = f.Missing is { } fill && cell.IsMissing(f.Column) ? fill : cell.Number(f.Column);
            if (f.Bins is { } edges) x = edges.Count(edge => x > edge);
            else if (f.Log1p)
            {
                if (x <= -1) throw cell.Error(f.Column, $"{x} is out of range for log1p");
                x = Math.Log(1 + x);
            }
        }
        return (x - f.Center) / f.Scale;
    }

    /// <summary>One row's fields looked up by column name, with errors that say where.</summary>
    private readonly struct Cell(CsvTable table, CsvRow row, DataSchema schema)
    {
        public string Text(string column) => row.Fields[table.IndexOf(column)].Trim();

        public bool IsMissing(string column) => Text(column) is "" or "NA" or "NaN";

        public double Number(string column)
        {
            var text = Text(column);
            if (IsMissing(column))
                throw Error(column, "the value is missing");
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
                throw Error(column, $"'{text}' is not a number");
            return v;
        }

        public DataException Error(string column, string what) =>
            new($"{table.Path}: {table.RowUnit} {row.Line}, column '{column}' ({table.Locate(column)}) of schema '{schema.Name}': {what}");
    }
}
