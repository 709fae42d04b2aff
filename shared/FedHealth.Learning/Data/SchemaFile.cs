namespace FedHealth.Learning.Data;

/// <summary>Loads a <see cref="DataSchema"/> and checks that it is coherent, naming the field at fault.</summary>
public static class SchemaFile
{
    private static readonly string[] ColumnTypes = ["number", "category"];

    public static DataSchema Load(string path)
    {
        var schema = JsonFile.Read<DataSchema>(path);
        var errors = Problems(schema).ToList();
        if (errors.Count > 0) throw new DataException($"{path}: {string.Join("; ", errors)}");
        return schema;
    }

    public static IEnumerable<string> Problems(DataSchema s)
    {
        var declared = new Dictionary<string, string>();
        for (var i = 0; i < s.Columns.Count; i++)
        {
            var c = s.Columns[i];
            if (!ColumnTypes.Contains(c.Type)) yield return $"columns[{i}].type: '{c.Type}' is not one of {string.Join(", ", ColumnTypes)}";
            if (!declared.TryAdd(c.Name, c.Type)) yield return $"columns[{i}].name: '{c.Name}' is declared twice";
        }
        if (s.Features.Count == 0) yield return "features: at least one feature is needed";
        for (var i = 0; i < s.Features.Count; i++)
        {
            var f = s.Features[i];
            var at = $"features[{i}] ('{f.Name}')";
            if (!declared.TryGetValue(f.Column, out var type)) { yield return $"{at}.column: '{f.Column}' is not declared in columns"; continue; }
            if (type == "category" && f.Categories is null) yield return $"{at}.categories: a category column needs a mapping to numbers";
            if (type == "number" && f.Categories is not null) yield return $"{at}.categories: '{f.Column}' is a number column";
            if (f.Bins is not null && f.Log1p) yield return $"{at}: bins and log1p cannot both apply";
            if (f.Bins is { } bins && bins.Zip(bins.Skip(1)).Any(p => p.Second <= p.First)) yield return $"{at}.bins: edges must increase";
            if (f.MissingIndicator && (f.Categories is not null || f.Bins is not null || f.Log1p || f.Missing is not null))
                yield return $"{at}.missingIndicator: a missing indicator is 0 or 1; it takes no categories, bins, log1p or missing value";
            if (f.Missing is { } fill && (type == "category" || !double.IsFinite(fill)))
                yield return $"{at}.missing: a finite value for a number column (a category column maps its missing code in categories)";
            if (f.Scale == 0 || !double.IsFinite(f.Scale) || !double.IsFinite(f.Center)) yield return $"{at}.scale: must be a finite non-zero number";
        }
        if (s.Features.GroupBy(f => f.Name).FirstOrDefault(g => g.Count() > 1) is { } dup) yield return $"features: '{dup.Key}' is defined twice";
        foreach (var p in LabelProblems(s.Label, declared)) yield return p;
        for (var i = 0; i < s.Subgroups.Count; i++)
        {
            var g = s.Subgroups[i];
            var at = $"subgroups[{i}] ('{g.Name}')";
            if (!declared.TryGetValue(g.Column, out var type)) yield return $"{at}.column: '{g.Column}' is not declared in columns";
            if ((g.Bands is null) == (g.Categories is null)) yield return $"{at}: give bands (for a number column) or categories, one of them";
            if (g.Bands is { Length: 0 }) yield return $"{at}.bands: at least one edge is needed";
            if (g.Bands is { } edges && edges.Zip(edges.Skip(1)).Any(p => p.Second <= p.First)) yield return $"{at}.bands: edges must increase";
            if (g.Bands is not null && type == "category") yield return $"{at}.bands: '{g.Column}' is a category column; use categories";
            if (g.Categories is { Count: 0 }) yield return $"{at}.categories: at least one category is needed";
        }
        if (s.Subgroups.GroupBy(g => g.Name).FirstOrDefault(g => g.Count() > 1) is { } twice) yield return $"subgroups: '{twice.Key}' is defined twice";
    }

    private static IEnumerable<string> LabelProblems(LabelDefinition l, Dictionary<string, string> declared)
    {
        switch (l.Kind)
        {
            case LabelDefinition.Binary:
                if (l.EventValue is not null || l.CensoredValue is not null) yield return "label: eventValue and censoredValue are for event columns";
                if (l.Column is null || !declared.ContainsKey(l.Column)) yield return $"label.column: '{l.Column}' is not declared in columns";
                if (l.Positive is not { Count: > 0 }) yield return "label.positive: list the values that mean positive";
                break;
            case LabelDefinition.EventWithin or LabelDefinition.Survival:
                if (l.TimeColumns is not { Count: > 0 }
                    || l.EventColumns is not { Count: > 0 }) { yield return $"label: {l.Kind} needs timeColumns and eventColumns"; yield break; }
                if (l.TimeColumns.Count != l.EventColumns.Count)
                    yield return $"label: {l.Kind} pairs each event with its own time: {l.EventColumns.Count} eventColumns need as many timeColumns, " +
                        $"got {l.TimeColumns.Count} (timeColumns[i] is the time of eventColumns[i]; the last one is also the follow-up)";
                foreach (var c in l.TimeColumns.Concat(l.EventColumns).Where(c => !declared.ContainsKey(c)))
                    yield return $"label: column '{c}' is not declared in columns";
                if (l.Kind == LabelDefinition.EventWithin && l.Horizon is not > 0) yield return "label.horizon: must be a positive time";
                if ((l.EventValue is null) != (l.CensoredValue is null))
                    yield return "label: eventValue and censoredValue go together (the values an event column holds for an event and for censoring)";
                if (l.EventValue is { } ev && l.CensoredValue is { } cv && (ev == cv || !double.IsFinite(ev) || !double.IsFinite(cv)))
                    yield return "label.eventValue: must be a finite number other than censoredValue";
                if (l.Kind == LabelDefinition.Survival && l.Horizon is not null) yield return "label.horizon: a survival label keeps every time; leave it out";
                break;
            case LabelDefinition.Multiclass:
                if (l.Column is null || !declared.ContainsKey(l.Column)) yield return $"label.column: '{l.Column}' is not declared in columns";
                if (l.Classes is not { Count: >= 3 })
                    yield return $"label.classes: a multiclass label lists its classes, at least 3 (got {l.Classes?.Count ?? 0}; 2 classes is a binary label)";
                else if (l.Classes.GroupBy(c => c.Trim()).FirstOrDefault(g => g.Count() > 1) is { } same)
                    yield return $"label.classes: '{same.Key}' is listed twice";
                if (l.Positive is not null || l.Center is not null || l.Scale is not null || l.TimeColumns is not null || l.EventColumns is not null)
                    yield return "label: a multiclass label takes column and classes only";
                break;
            case LabelDefinition.Regression:
                if (l.Column is null || !declared.TryGetValue(l.Column, out var labelType))
                    yield return $"label.column: '{l.Column}' is not declared in columns";
                else if (labelType != "number") yield return $"label.column: '{l.Column}' is a {labelType} column; a regression label is a number";
                if (l.Scale is { } scale && (scale == 0 || !double.IsFinite(scale))) yield return "label.scale: must be a finite non-zero number";
                if (l.Center is { } center && !double.IsFinite(center)) yield return "label.center: must be a finite number";
                if (l.Positive is not null || l.Classes is not null || l.TimeColumns is not null || l.EventColumns is not null)
                    yield return "label: a regression label takes column, center and scale only";
                break;
            default:
                yield return $"label.kind: '{l.Kind}' is not one of {LabelDefinition.Binary}, {LabelDefinition.EventWithin}, {LabelDefinition.Survival}, " +
                    $"{LabelDefinition.Multiclass}, {LabelDefinition.Regression}";
                break;
        }
    }
}
