using FedHealth.Learning.Data;

namespace FedHealth.SiteAgent.Doctor;

/// <summary>Loads the site's data exactly as the agent does at start, so any problem shows with the loader's own words.</summary>
public static class DataCheck
{
    private const string Name = "data";

    public static CheckResult Run(SiteConfig config)
    {
        var source = config.Data.Csv ?? "the SQL query in data.sql";
        try
        {
            var (schema, split) = SiteData.Load(config.Data);
            var rows = split.Train.Rows + split.Test.Rows;
            var positives = split.Train.Positives + split.Test.Positives;
            return CheckResult.Pass(Name, $"{source} matches schema '{schema.Name}': {rows} labelled rows ({positives} positive, {rows - positives} " +
                $"negative), {split.Train.Rows} train / {split.Test.Rows} test");
        }
        catch (Exception e) when (e is DataException or IOException or UnauthorizedAccessException)
        {
            return CheckResult.Fail(Name, e.Message,
                "make the data match the schema the consortium gave (column names, values), or fix data.csv / data.sql and data.schema in the site config; " +
                    "docs/site-data.md");
        }
    }
}
