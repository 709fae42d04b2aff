using FedHealth.Learning.Data;

namespace FedHealth.SiteAgent.Doctor;

/// <summary>Loads the site's data exactly as the agent does at start, so any problem shows with the loader's own words.</summary>
public static class DataCheck
{
    private const string Name = "data";

    public static CheckResult Run(SiteConfig config)
    {
        var source = config.Data.Images is { } images ? $"the images of {images}" : config.Data.Csv ?? "the SQL query in data.sql";
        try
        {
            var (schema, split) = SiteData.Load(config.Data);
            var rows = split.Train.Rows + split.Test.Rows;
            var positives = split.Train.Positives + split.Test.Positives;
            var labels = schema.Label.Kind switch
            {
                // A multiclass label's rows by class, a regression label's values: what IT checks against its own records.
                LabelDefinition.Multiclass => "rows by class: " + string.Join(", ", schema.Label.Classes!.Select((c, i) =>
                    $"{split.Train.Labels.Concat(split.Test.Labels).Count(l => (int)l == i)} '{c}'")),
                LabelDefinition.Regression => $"'{schema.Label.Column}' from {Range(split, min: true)} to {Range(split, min: false)}",
                _ => $"{positives} positive, {rows - positives} negative",
            };
            return CheckResult.Pass(Name, $"{source} matches schema '{schema.Name}': {rows} labelled rows ({labels}), " +
                $"{split.Train.Rows} train / {split.Test.Rows} test");
        }
        catch (Exception e) when (e is DataException or IOException or UnauthorizedAccessException)
        {
            return CheckResult.Fail(Name, e.Message,
                "make the data match the schema the consortium gave (column names, values), or fix data.csv / data.sql and data.schema in the site config; " +
                    "docs/site-data.md");
        }
    }

    private static string Range(FedHealth.Learning.Data.TrainTestSplit split, bool min)
    {
        var values = split.Train.Labels.Concat(split.Test.Labels).Select(l => split.Train.LabelTask.Unscaled(l));
        return (min ? values.Min() : values.Max()).ToString("G6", System.Globalization.CultureInfo.InvariantCulture);
    }
}
