using FedHealth.Learning.Data;
using FedHealth.Learning.Images;
using FedHealth.Learning.Sql;
using FedHealth.Messaging;

namespace FedHealth.SiteAgent;

/// <summary>A site's data as the agent trains on it: the schema, and the local train/test split of the rows read through it.</summary>
public sealed record SiteData(DataSchema Schema, TrainTestSplit Split)
{
    /// <summary>Reads the site's data source (CSV, SQL or images) through its schema and splits it; any problem is a <see cref="DataException"/>
    /// saying where.</summary>
    public static SiteData Load(SiteDataSource source)
    {
        if (source.IsImageSite) return LoadImages(source.Images!, source);
        var schema = SchemaFile.Load(source.Schema!);
        // A file share that blips is retried with backoff; data that is wrong fails at once with its reason.
        var data = Resilience.ForDataSource(e => e is IOException and not FileNotFoundException and not DirectoryNotFoundException)
            .Execute(() => source.Sql is { } sql
                ? SqlTableReader.Read(sql, schema, source.Rows)
                : SchemaReader.Read(source.Csv!, schema, source.Rows));
        return new SiteData(schema, TrainTestSplit.Stratified(data, source.TestFraction, source.SplitSeed));
    }

    /// <summary>
    /// An image site: its images indexed (refused whole, naming the files, when any is unusable) and split by class; the
    /// pixels stay on disk and are read a batch at a time. The schema it shows the consortium is the image schema's name,
    /// one feature naming the image's shape (<see cref="ImageInput"/>), and its classes as a multiclass label (binary for two).
    /// </summary>
    private static SiteData LoadImages(string imageSchema, SiteDataSource source)
    {
        var images = ImageDataset.Open(imageSchema);
        var classes = images.Schema.Classes;
        var schema = new DataSchema
        {
            Name = images.Schema.Name, Columns = [],
            Features = [new FeatureDefinition { Name = images.FeatureName, Column = images.FeatureName }],
            Label = classes.Count == 2
                ? new LabelDefinition { Kind = LabelDefinition.Binary, Column = "class", Positive = [classes[1]] }
                : new LabelDefinition { Kind = LabelDefinition.Multiclass, Column = "class", Classes = classes },
        };
        return new SiteData(schema, TrainTestSplit.Stratified(images.Rows(), source.TestFraction, source.SplitSeed));
    }
}
