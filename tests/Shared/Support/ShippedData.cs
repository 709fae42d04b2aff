using FedHealth.Learning.Data;

namespace FedHealth.Tests.Support;

/// <summary>The shipped cohorts the learning tests train on, read once per test run.</summary>
public static class ShippedData
{
    private static readonly Lazy<TabularData> gbsg = new(() => SchemaReader.Read(
        Path.Combine(Paths.Federation, "data", "gbsg-germany.csv"), SchemaFile.Load(Path.Combine(Paths.Federation, "schema.gbsg.json"))));

    /// <summary>The German Breast Cancer Study Group cohort (DE-GBSG's rows), with the breast-prognosis schema.</summary>
    public static TabularData Gbsg => gbsg.Value;
}
