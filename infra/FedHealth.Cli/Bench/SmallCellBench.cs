using System.CommandLine;
using FedHealth.Cli.Local;
using FedHealth.Contracts;
using FedHealth.Learning.Metrics;
using FedHealth.Learning.Torch;
using FedHealth.SiteAgent;
using static TorchSharp.torch;

namespace FedHealth.Cli.Bench;

/// <summary>
/// What the small-cell rule costs the pooled AUC: each shipped federation is run, and its final global model's
/// scores on every site's held-out rows are pooled exactly (all scores in one place, which only this harness can
/// do), from fine histograms (what sites sent before the rule), and from the coarsened histograms sites now send.
/// Then the attack the rule answers: a model that weighs one feature only, and the small cells it would expose.
/// </summary>
public static class SmallCellBench
{
    public static Command Command()
    {
        var rounds = new Option<int>("--rounds") { Description = "Federated rounds", DefaultValueFactory = _ => 20 };
        var seeds = new Option<int>("--seeds") { Description = "Seeds (1..N) to run each federation with", DefaultValueFactory = _ => 3 };
        var command = new Command("small-cells", "Pooled AUC exact, from fine histograms and from histograms coarsened to cells of 0 or " +
            $"{ScoreHistogram.MinCell}+ rows; small cells a one-feature model exposes.")
        {
            rounds, seeds,
        };
        command.SetAction(async (result, cancellation) => await Run(result.GetValue(rounds), result.GetValue(seeds), Console.Out, cancellation));
        return command;
    }

    public static async Task<int> Run(int rounds, int seeds, TextWriter output, CancellationToken cancellation)
    {
        output.WriteLine($"Pooled AUC of the final global model on all held-out rows (logistic, {rounds} rounds): exact (every score in one place),");
        output.WriteLine($"from {ScoreHistogram.FineBins}-bin histograms (no rule), and from what sites send (cells of 0 or {ScoreHistogram.MinCell}+ rows), " +
            "as the job computed it:");
        output.WriteLine($"{"federation",-18}{"seed",5}{"exact",9}{"fine",9}{"sent",9}{"sent-exact",12}{"job",9}  bins per site");
        foreach (var federation in new[] { "breast-prognosis", "wdbc" })
        {
            var gaps = new List<double>();
            for (var seed = 1; seed <= seeds; seed++)
            {
                var dataDir = Directory.CreateTempSubdirectory("fedhealth-small-cell-bench-").FullName;
                try
                {
                    var run = await new LocalFederation(new LocalRunOptions
                    {
                        Rounds = rounds, Seed = seed, Headless = true, DataDir = dataDir, FederationDir = LocalRunOptions.ShippedFederation(federation),
                    }, TextWriter.Null).Run(cancellation);
                    using var model = ModelFiles.Load(Path.Combine(dataDir, "models", $"{run.Summary.JobId}.pt"), run.Spec.Model);
                    var tests = run.Sites.Select(s => (s.Id, s.Split.Test, Scores: ModelEvaluator.Predict(model, s.Split.Test, CPU))).ToList();
                    var exact = BinaryMetrics.Auc(tests.SelectMany(t => t.Scores).ToArray(), tests.SelectMany(t => t.Test.Labels).ToArray());
                    var fine = PooledScores.Auc(tests.Select(t => BinaryMetrics.Histogram(t.Scores, t.Test.Labels, minCell: 1)));
                    var sent = tests.Select(t => ModelEvaluator.Evaluate(t.Id, model, t.Test, CPU)).ToList();
                    var pooled = BinaryMetrics.Pool(sent).Auc;
                    gaps.Add(pooled - exact);
                    output.WriteLine(
                        $"{federation,-18}{seed,5}{exact,9:F4}{fine,9:F4}{pooled,9:F4}{pooled - exact,12:+0.0000;-0.0000;+0.0000}" +
                            $"{run.Summary.Global.Auc,9:F4}  " +
                        string.Join(" ", sent.Select(e => e.Histogram!.Positives.Count)));
                }
                finally { Directory.Delete(dataDir, recursive: true); }
            }
            output.WriteLine(
                $"{federation}: sent - exact, mean {gaps.Average():+0.0000;-0.0000;+0.0000}, largest {gaps.MaxBy(Math.Abs):+0.0000;-0.0000;+0.0000}");
        }
        OneFeatureAttack(output);
        output.WriteLine($"Reproduce: ./fedhealth bench small-cells --rounds {rounds} --seeds {seeds}");
        return 0;
    }

    /// <summary>A model that scores each row by one feature alone (sigmoid of the standardised value), on every site's held-out rows.</summary>
    private static void OneFeatureAttack(TextWriter output)
    {
        output.WriteLine();
        output.WriteLine("A one-feature model (score = sigmoid(feature)) on each site's held-out rows: cells of 1 to " +
            $"{ScoreHistogram.MinCell - 1} rows of a class, over all features and sites, fine histogram vs what the site sends:");
        foreach (var federation in new[] { "breast-prognosis", "wdbc" })
        {
            var configs = Directory.GetFiles(Path.Combine(LocalRunOptions.ShippedFederation(federation), "sites"), "*.json").Order(StringComparer.Ordinal);
            int fineSmall = 0, fineSingle = 0, sentSmall = 0, histograms = 0;
            foreach (var test in configs.Select(c => SiteData.Load(SiteConfigFile.Load(c).Data).Split.Test))
                for (var f = 0; f < test.Width; f++)
                {
                    var scores = Enumerable.Range(0, test.Rows).Select(r => 1f / (1f + MathF.Exp(-test.Features[r * test.Width + f]))).ToArray();
                    var fine = BinaryMetrics.Histogram(scores, test.Labels, minCell: 1);
                    var sent = BinaryMetrics.Histogram(scores, test.Labels);
                    var fineCells = fine.Positives.Concat(fine.Negatives).ToList();
                    fineSmall += fineCells.Count(c => c is > 0 and < ScoreHistogram.MinCell);
                    fineSingle += fineCells.Count(c => c == 1);
                    sentSmall += sent.Positives.Count > 1 ? sent.Positives.Concat(sent.Negatives).Count(c => c is > 0 and < ScoreHistogram.MinCell) : 0;
                    histograms++;
                }
            output.WriteLine($"  {federation,-18} {histograms,4} histograms: fine {fineSmall,5} small cells ({fineSingle} of one patient); sent {sentSmall}");
        }
    }
}
