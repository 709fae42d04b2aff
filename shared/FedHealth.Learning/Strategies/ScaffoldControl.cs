using FedHealth.Contracts;
using FedHealth.Learning.Codec;

namespace FedHealth.Learning.Strategies;

/// <summary>
/// SCAFFOLD's control variates (Karimireddy et al., "SCAFFOLD: Stochastic Controlled Averaging for Federated
/// Learning", ICML 2020, Algorithm 1 with option II). The server keeps c, each site its own cᵢ (0 at first); a site
/// trains K local steps y ← y − η(g(y) − cᵢ + c) from the global model x, then sets cᵢ⁺ = cᵢ − c + (x − y)/(Kη) and
/// sends Δcᵢ = cᵢ⁺ − cᵢ with its model. The model is averaged as fedavg does (global step size 1) and the server
/// moves c ← c + (1/N)·Σ_{i∈S} Δcᵢ, N the job's participants, S the round's contributors. The arithmetic here is
/// plain float vectors, so the coordinator uses it without libtorch; both controls travel as one tensor "c" of shape [n].
/// </summary>
public static class ScaffoldControl
{
    public const string TensorName = "c";

    public static ModelWeights Encode(ReadOnlySpan<float> values) => NamedVectors.Encode((TensorName, values.ToArray()));

    /// <summary>A control (or control delta) for a model of <paramref name="length"/> parameters; anything else is refused, naming what is wrong.</summary>
    public static float[] Decode(ModelWeights? weights, int length) => NamedVectors.Decode(weights, length, "control variate", TensorName)[0];

    /// <summary>
    /// The site's step after <paramref name="steps"/> local steps K at learning rate η from <paramref name="global"/> x to
    /// <paramref name="local"/> y: Δcᵢ = (x − y)/(Kη) − c, and cᵢ⁺ = cᵢ + Δcᵢ (= cᵢ − c + (x − y)/(Kη)). The site keeps
    /// the float Δcᵢ it sends added to its cᵢ, so the server's c stays the mean of the sites' controls to float precision.
    /// </summary>
    public static (float[] Next, float[] Delta) SiteUpdate(ReadOnlySpan<float> siteControl, ReadOnlySpan<float> serverControl,
        ReadOnlySpan<float> global, ReadOnlySpan<float> local, int steps, double learningRate)
    {
        var n = global.Length;
        if (siteControl.Length != n || serverControl.Length != n || local.Length != n)
            throw new ArgumentException($"controls and models differ in length (cᵢ {siteControl.Length}, c {serverControl.Length}, x {n}, y {local.Length})");
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "SCAFFOLD needs at least one local step");
        if (!(learningRate > 0) || !double.IsFinite(learningRate))
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "must be positive");
        var scale = steps * learningRate;
        var next = new float[n];
        var delta = new float[n];
        for (var i = 0; i < n; i++)
        {
            delta[i] = (float)(((double)global[i] - local[i]) / scale - serverControl[i]);
            next[i] = (float)((double)siteControl[i] + delta[i]);
        }
        return (next, delta);
    }

    /// <summary>The server's step c ← c + (1/N)·Σ Δcᵢ, from the round's summed deltas and N, the job's participants.</summary>
    public static float[] ServerUpdate(ReadOnlySpan<float> control, ReadOnlySpan<double> deltaSum, int participants)
    {
        if (control.Length != deltaSum.Length) throw new ArgumentException($"the control holds {control.Length} values, the summed deltas {deltaSum.Length}");
        if (participants < 1) throw new ArgumentOutOfRangeException(nameof(participants), participants, "a job has at least one participant");
        var next = new float[control.Length];
        for (var i = 0; i < next.Length; i++) next[i] = (float)(control[i] + deltaSum[i] / participants);
        return next;
    }

    /// <summary>c − cᵢ: what a site adds to every local gradient.</summary>
    public static float[] Correction(ReadOnlySpan<float> serverControl, ReadOnlySpan<float> siteControl)
    {
        if (serverControl.Length != siteControl.Length) throw new ArgumentException($"c holds {serverControl.Length} values, cᵢ {siteControl.Length}");
        var correction = new float[serverControl.Length];
        for (var i = 0; i < correction.Length; i++) correction[i] = serverControl[i] - siteControl[i];
        return correction;
    }
}
