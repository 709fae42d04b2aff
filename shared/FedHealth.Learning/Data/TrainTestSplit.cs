namespace FedHealth.Learning.Data;

/// <summary>A site's own split of its rows into training and held-out rows; it is made and kept locally.</summary>
public sealed record TrainTestSplit(TabularData Train, TabularData Test)
{
    /// <summary>Stratified by label (each class of a binary or multiclass label; a regression label is one stratum), seeded, so both parts keep
    /// every class and a seed always gives the same split.</summary>
    public static TrainTestSplit Stratified(TabularData data, double testFraction, int seed)
    {
        if (testFraction is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "must lie strictly between 0 and 1");
        var random = new Random(seed);
        var train = new List<int>();
        var test = new List<int>();
        foreach (var stratum in Enumerable.Range(0, data.Rows).Select(data.Stratum).Distinct().Order().ToList())
        {
            var rows = Enumerable.Range(0, data.Rows).Where(r => data.Stratum(r) == stratum).ToArray();
            random.Shuffle(rows);
            var testCount = (int)Math.Round(rows.Length * testFraction);
            test.AddRange(rows.Take(testCount));
            train.AddRange(rows.Skip(testCount));
        }
        train.Sort();
        test.Sort();
        return new TrainTestSplit(data.Select(train), data.Select(test));
    }
}
