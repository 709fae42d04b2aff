using BenchmarkDotNet.Running;
using FedHealth.Benchmarks;

// Runs the privacy micro-benchmarks and prints mask expansion as GB/s (8 MB per operation).
var summary = BenchmarkRunner.Run<SecureAggregationBenchmarks>(args: args);
foreach (var report in summary.Reports.Where(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == nameof(SecureAggregationBenchmarks.MaskExpansion)))
{
    if (report.ResultStatistics is not { } stats) continue;
    var bytes = (SecureAggregationBenchmarks.Parameters + 1) * 8.0;
    Console.WriteLine($"mask expansion: {bytes / stats.Mean:F2} GB/s on one core ({stats.Mean / 1e6:F2} ms per 8 MB mask)");
}
