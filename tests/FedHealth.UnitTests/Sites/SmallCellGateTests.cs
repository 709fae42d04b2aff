using FedHealth.Contracts;
using FedHealth.SiteAgent;
using FedHealth.Tests.Coordinator;
using FedHealth.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace FedHealth.Tests.Sites;

/// <summary>The site's border: an evaluation whose histogram has a small cell does not leave, whoever built it.</summary>
[Collection(TorchCollection.Name)]
public sealed class SmallCellGateTests : IDisposable
{
    private readonly TempFolder temp = new();
    private static readonly Guid Job = Guid.NewGuid();

    [Fact]
    public void An_evaluation_with_a_cell_of_one_patient_is_declined_and_the_audit_log_says_why()
    {
        var audit = new AuditLog(Path.Combine(temp.Path, "audit.jsonl"));
        var gate = new TransferGate("A", "DE", policy: null, audit, NullLogger.Instance);
        var good = JobFixtures.GoodEvaluation(Job, 1, "A");
        var leaky = good with
        {
            Personalised = good.Evaluation with { Histogram = new ScoreHistogram { Edges = [0, 0.5, 1], Positives = [1, 9], Negatives = [10, 0] } },
        };

        var declined = Assert.IsType<RoundDeclined>(gate.Release(leaky));
        Assert.Contains("personalised evaluation: histogram.positives[0] holds 1 rows in [0, 0.5)", declined.Reason);
        Assert.Contains(audit.Read(), a => a is { Direction: "refused", Message: nameof(EvaluationSubmitted) });
        Assert.IsType<EvaluationSubmitted>(gate.Release(good));
    }

    public void Dispose() => temp.Dispose();
}
