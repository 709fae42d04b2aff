namespace FedHealth.Learning.Data;

/// <summary>
/// How a site's local table becomes the consortium's features and label: which columns it must have and of what
/// type, which rows belong to this site, how each feature is derived, and how the label is defined. Declared in
/// JSON beside the data, validated when the site starts.
/// </summary>
public sealed class DataSchema
{
    /// <summary>The consortium schema this maps to (a job names it); sites of one federation share it.</summary>
    public required string Name { get; init; }
    public required IReadOnlyList<ColumnDeclaration> Columns { get; init; }
    public required IReadOnlyList<FeatureDefinition> Features { get; init; }
    public required LabelDefinition Label { get; init; }
    /// <summary>Sensitive attributes whose groups each site scores separately (fairness), e.g. age band.</summary>
    public IReadOnlyList<SubgroupDefinition> Subgroups { get; init; } = [];

    public IReadOnlyList<string> FeatureNames => Features.Select(f => f.Name).ToList();
}

/// <summary>
/// A sensitive attribute and how a row's value puts it in a group: number <see cref="Bands"/> (upper edges: a value ≤
/// edge i is in group i, above the last in the last group), or <see cref="Categories"/> (cell text → group name). Sites
/// of one federation declare the same names and groups, so their figures line up.
/// </summary>
public sealed class SubgroupDefinition
{
    public required string Name { get; init; }
    public required string Column { get; init; }
    public double[]? Bands { get; init; }
    public Dictionary<string, string>? Categories { get; init; }

    /// <summary>The group names in order: "≤ 40", "40–50", "> 50" for bands, or the categories' group names.</summary>
    public IReadOnlyList<string> Groups() => Bands is { } b
        ? [$"≤ {N(b[0])}", .. b.Zip(b.Skip(1), (lo, hi) => $"{N(lo)}–{N(hi)}"), $"> {N(b[^1])}"]
        : Categories!.Values.Distinct().ToList();

    // The same group names at every site, whatever its locale (18.5, never 18,5).
    private static string N(double edge) => edge.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A column the local table must have. <see cref="Type"/> is "number" or "category".</summary>
public sealed class ColumnDeclaration
{
    public required string Name { get; init; }
    public required string Type { get; init; }
}

/// <summary>
/// Keeps only rows whose <see cref="Column"/> lies in [Min, Max] (either bound optional), or is one of
/// <see cref="Values"/> (several institutions of a registry that make up one site). A row whose column is missing
/// belongs to no site. A site's own choice of rows (for example one hospital of a shared registry), so it lives in
/// the site's config, not in the schema.
/// </summary>
public sealed class RowFilter
{
    public required string Column { get; init; }
    public double? Min { get; init; }
    public double? Max { get; init; }
    public IReadOnlyList<double>? Values { get; init; }

    /// <summary>What is wrong with the filter, each naming its field under <paramref name="at"/>.</summary>
    public IEnumerable<string> Problems(string at)
    {
        if (Values is not null && (Min is not null || Max is not null)) yield return $"{at}.values: give values or min/max, not both";
        if (Values is { Count: 0 }) yield return $"{at}.values: at least one value is needed";
        if (Min > Max) yield return $"{at}: min {Min} is above max {Max}";
    }
}

/// <summary>
/// One model input, applied in this order: a category column maps through <see cref="Categories"/>; a number
/// column's missing cell (empty, NA or NaN) takes the consortium-agreed <see cref="Missing"/> value, else is refused;
/// a number may be cut at <see cref="Bins"/> edges (value ≤ edge i gives i) or pass through <see cref="Log1p"/>;
/// then (x - <see cref="Center"/>) / <see cref="Scale"/> with consortium-agreed constants. A
/// <see cref="MissingIndicator"/> feature is instead 1 where its column is missing and 0 where it is not (then
/// centred and scaled), so a model can tell an imputed value from a measured one.
/// </summary>
public sealed class FeatureDefinition
{
    public required string Name { get; init; }
    public required string Column { get; init; }
    public IReadOnlyDictionary<string, double>? Categories { get; init; }
    public IReadOnlyList<double>? Bins { get; init; }
    public bool Log1p { get; init; }
    /// <summary>The raw value a missing cell of a number column takes (e.g. the cohort's median), before bins or log1p.</summary>
    public double? Missing { get; init; }
    public bool MissingIndicator { get; init; }
    public double Center { get; init; }
    public double Scale { get; init; } = 1;
}

/// <summary>
/// The label. "binary": <see cref="Column"/> is positive when its value is one of <see cref="Positive"/>.
/// "eventWithin": positive when an event (any of <see cref="EventColumns"/> is 1) happened by
/// <see cref="Horizon"/>. Each event has its own time column (<see cref="TimeColumns"/>[i] dates
/// <see cref="EventColumns"/>[i]): a row's time is that of the first listed event that happened, or, with none, the
/// last time column (the follow-up); never the earliest of them. Rows censored before the horizon have no label and
/// are left out. An event column's value means an event when it is ≥ 0.5 (1 = event, 0 = censored), or, where the
/// data codes it otherwise (R survival's 1 = censored, 2 = dead), when it equals <see cref="EventValue"/>; then every
/// value must be <see cref="EventValue"/> or <see cref="CensoredValue"/>.
/// "multiclass": <see cref="Column"/>'s value is one of <see cref="Classes"/> (3 or more, in the order the model's outputs
/// take), any other value is refused. "regression": <see cref="Column"/> is a number, trained as
/// (value − <see cref="Center"/>) / <see cref="Scale"/> when the schema declares them (figures stay in the label's units); a
/// row whose label is missing (empty, NA, NaN) has no label and is left out.
/// </summary>
public sealed class LabelDefinition
{
    public required string Kind { get; init; }
    public string? Column { get; init; }
    public IReadOnlyList<string>? Positive { get; init; }
    public IReadOnlyList<string>? TimeColumns { get; init; }
    public IReadOnlyList<string>? EventColumns { get; init; }
    public double? Horizon { get; init; }
    public double? EventValue { get; init; }
    public double? CensoredValue { get; init; }
    /// <summary>Multiclass: the label column's values, one per class, class i being the model's output i.</summary>
    public IReadOnlyList<string>? Classes { get; init; }
    /// <summary>Regression: the consortium-agreed value subtracted from the label before training (0 when left out).</summary>
    public double? Center { get; init; }
    /// <summary>Regression: the consortium-agreed value the centred label is divided by before training (1 when left out).</summary>
    public double? Scale { get; init; }

    public const string Binary = "binary";
    public const string EventWithin = "eventWithin";
    /// <summary>Time to event with censoring: each row's event (any of the event columns) and its time, by the same pairing as eventWithin.</summary>
    public const string Survival = "survival";
    public const string Multiclass = "multiclass";
    public const string Regression = "regression";

    /// <summary>The model task (<c>ModelTasks</c>) this label trains: binary for a binary or eventWithin label, else the kind's own.</summary>
    /// <remarks>Derived from <see cref="Kind"/>, never read from a schema file (a "task" field there is refused as unknown).</remarks>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Task => Kind is Survival or Multiclass or Regression ? Kind : FedHealth.Contracts.ModelTasks.Binary;
}
