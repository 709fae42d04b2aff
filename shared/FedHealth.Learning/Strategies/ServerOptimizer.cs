using FedHealth.Contracts;

namespace FedHealth.Learning.Strategies;

/// <summary>The server optimiser's moments between rounds (first moment m, second moment v), one value per parameter.</summary>
public sealed record ServerOptimizerState(float[] M, float[] V);

/// <summary>
/// Adaptive federated optimisation (Reddi et al., "Adaptive Federated Optimization", ICLR 2021, Algorithm 2): the
/// round's aggregate minus the global model is a pseudo-gradient Δ; the server keeps m ← β₁m + (1−β₁)Δ and
///   FedAdagrad: v ← v + Δ²,  FedYogi: v ← v − (1−β₂)Δ²·sign(v − Δ²),  FedAdam: v ← β₂v + (1−β₂)Δ²,
/// and steps x ← x + η·m/(√v + τ). v starts at τ², m at 0, as in the paper (no bias correction). Every other strategy
/// takes the aggregate as the next model.
/// </summary>
public static class ServerOptimizer
{
    public static (float[] Next, ServerOptimizerState? State) Step(StrategySpec strategy, ReadOnlySpan<float> global, float[] aggregate,
        ServerOptimizerState? state)
    {
        if (!StrategyNames.UsesServerOptimizer(strategy.Name)) return (aggregate, null);
        if (global.Length != aggregate.Length) throw new ArgumentException($"the aggregate has {aggregate.Length} values, the global model {global.Length}");
        var n = aggregate.Length;
        var m = state?.M.ToArray() ?? new float[n];
        var v = state?.V.ToArray() ?? Enumerable.Repeat((float)(strategy.Tau * strategy.Tau), n).ToArray();
        if (m.Length != n || v.Length != n) throw new ArgumentException($"the optimiser state holds {m.Length}/{v.Length} values, the model {n}");
        var next = new float[n];
        double b1 = strategy.Beta1, b2 = strategy.Beta2, eta = strategy.ServerLearningRate, tau = strategy.Tau;
        for (var i = 0; i < n; i++)
        {
            double delta = aggregate[i] - global[i];
            double squared = delta * delta;
            double mi = b1 * m[i] + (1 - b1) * delta;
            double vi = strategy.Name switch
            {
                StrategyNames.FedAdagrad => v[i] + squared,
                StrategyNames.FedYogi => v[i] - (1 - b2) * squared * Math.Sign(v[i] - squared),
                _ => b2 * v[i] + (1 - b2) * squared,
            };
            m[i] = (float)mi;
            v[i] = (float)vi;
            next[i] = (float)(global[i] + eta * mi / (Math.Sqrt(vi) + tau));
        }
        return (next, new ServerOptimizerState(m, v));
    }
}
