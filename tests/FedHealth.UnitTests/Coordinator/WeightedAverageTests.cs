using FedHealth.Coordinator.Aggregation;

namespace FedHealth.Tests.Coordinator;

public sealed class WeightedAverageTests
{
    [Fact]
    public void FedAvg_weights_each_update_by_its_sample_count()
    {
        var average = new WeightedAverage(2);
        average.Add([1f, 10f], 1);
        average.Add([4f, 40f], 3);
        // (1*1 + 4*3) / 4 = 3.25 ; (10*1 + 40*3) / 4 = 32.5
        Assert.Equal([3.25f, 32.5f], average.Result());
        Assert.Equal(2, average.Count);
    }

    [Fact]
    public void The_result_does_not_depend_on_arrival_order()
    {
        var random = new Random(3);
        var updates = Enumerable.Range(0, 6)
            .Select(_ => (Values: Enumerable.Range(0, 50).Select(_ => (float)random.NextDouble()).ToArray(), Weight: random.Next(1, 500))).ToList();
        var forward = new WeightedAverage(50);
        var backward = new WeightedAverage(50);
        foreach (var u in updates) forward.Add(u.Values, u.Weight);
        foreach (var u in Enumerable.Reverse(updates)) backward.Add(u.Values, u.Weight);
        Assert.Equal(forward.Result(), backward.Result());
    }

    [Fact]
    public void Wrong_lengths_zero_weights_and_empty_averages_are_refused()
    {
        var average = new WeightedAverage(2);
        Assert.Throws<ArgumentException>(() => average.Add([1f], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => average.Add([1f, 2f], 0));
        Assert.Throws<InvalidOperationException>(() => average.Result());
    }
}
