using FedHealth.Learning.Data;
using FedHealth.Learning.Sql;
using FedHealth.Messaging;

namespace FedHealth.SiteAgent;

/// <summary>A site's data as the agent trains on it: the schema, and the local train/test split of the rows read through it.</summary>
public sealed record SiteData(DataSchema Schema, TrainTestSplit Split)
{
    /// <summary>Reads the site's data source (CSV or SQL) through its schema and splits it; any problem is a <see cref="DataException"/> saying
    /// where.</summary>
    public static SiteData Load(SiteDataSource source)
    {
        var schema = SchemaFile.Load(source.Schema);
        // A file share that blips is retried with backoff; data that is wrong fails at once with its reason.
        var data = Resilience.ForDataSource(e => e is IOException and not FileNotFoundException and not DirectoryNotFoundException)
            .Execute(() => source.Sql is { } sql
                ? SqlTableReader.Read(sql, schema, source.Rows)
                : SchemaReader.Read(source.Csv!, schema, source.Rows));
        return new SiteData(schema, TrainTestSplit.Stratified(data, source.TestFraction, source.SplitSeed));
    }
}
