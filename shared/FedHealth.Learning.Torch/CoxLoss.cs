using static TorchSharp.torch;

namespace FedHealth.Learning.Torch;

/// <summary>
/// The negative Cox partial log-likelihood of a mini-batch, Breslow's handling of tied times, averaged over the batch's
/// events: −(1/E) Σ_{i: event} [ηᵢ − log Σ_{j: tⱼ ≥ tᵢ} exp ηⱼ]. Risk sets are the batch's rows, so within one site and
/// one mini-batch (as in FLamby's Fed-TCGA-BRCA and DeepSurv's mini-batch training); a batch without an event adds
/// nothing. The model's output is the log relative risk η (one value per row; a bias cancels out).
/// </summary>
public static class CoxLoss
{
    public static Tensor Of(Tensor risk, Tensor time, Tensor events)
    {
        using var scope = NewDisposeScope();
        // Longest time first: the running log-sum-exp over that order is each row's risk set, ties then joined below.
        var (sortedTime, order) = time.sort(descending: true);
        var eta = risk.index_select(0, order);
        var delta = events.index_select(0, order);
        var cumulative = eta.logcumsumexp(0);
        // Breslow: a row's risk set holds everyone with the same time too, so each takes the value at its tie block's end.
        var times = sortedTime.cpu().data<float>().ToArray();
        var blockEnd = new long[times.Length];
        for (var k = times.Length - 1; k >= 0; k--) blockEnd[k] = k + 1 < times.Length && times[k + 1] == times[k] ? blockEnd[k + 1] : k;
        var riskSet = cumulative.index_select(0, tensor(blockEnd, device: risk.device));
        var eventCount = delta.sum();
        var loss = -((eta - riskSet) * delta).sum() / eventCount.clamp_min(1);
        return loss.MoveToOuterDisposeScope();
    }
}
