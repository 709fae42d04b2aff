using FedHealth.Contracts;
using FedHealth.Learning.Codec;
using FedHealth.Learning.Models;
using FedHealth.Learning.Strategies;

namespace FedHealth.Coordinator.Jobs;

/// <summary>
/// The job's strategy applied to a round's aggregate (plain or secure): the next global model, and the server's state
/// carried between rounds: the server optimiser's moments, or SCAFFOLD's control variate c.
/// </summary>
public sealed partial class JobState
{
    private ServerOptimizerState? optimizer;
    private float[]? serverControl;

    /// <summary>SCAFFOLD's server control c for the next round's request (zeros before the first aggregation); null for every other strategy.</summary>
    public ModelWeights? ServerControl { get; private set; }

    /// <summary>
    /// The next global weights from the round's aggregate, and the state to journal with them (null unless a server
    /// optimiser or SCAFFOLD runs). <paramref name="controlSum"/> is SCAFFOLD's Σ Δcᵢ over the round's contributors.
    /// </summary>
    private (ModelWeights Global, ModelWeights? ServerState) Finish(float[] aggregate, double[]? controlSum)
    {
        if (StrategyNames.UsesControlVariates(Spec.Strategy.Name))
        {
            // The model is fedavg's weighted average (global step size 1); c ← c + (1/N)·Σ_{i∈S} Δcᵢ with N every participant of the job.
            var next = ScaffoldControl.ServerUpdate(serverControl ?? new float[Layout.TotalCount], controlSum ?? new double[Layout.TotalCount],
                Participants.Count);
            return (new FlatParameters(Layout, aggregate).ToWeights(), ScaffoldControl.Encode(next));
        }
        if (!StrategyNames.UsesServerOptimizer(Spec.Strategy.Name)) return (new FlatParameters(Layout, aggregate).ToWeights(), null);
        var global = FlatParameters.FromWeights(Layout, GlobalWeights).Values;
        var (stepped, state) = ServerOptimizer.Step(Spec.Strategy, global, aggregate, optimizer);
        return (new FlatParameters(Layout, stepped).ToWeights(), NamedVectors.Encode(("m", state!.M), ("v", state.V)));
    }

    /// <summary>The journaled state of a round (null: the job's start, or a strategy that keeps none) restored, so a replayed job steps on
    /// identically.</summary>
    private void ApplyServerState(ModelWeights? journaled)
    {
        if (StrategyNames.UsesControlVariates(Spec.Strategy.Name))
        {
            serverControl = journaled is null ? new float[Layout.TotalCount] : ScaffoldControl.Decode(journaled, Layout.TotalCount);
            ServerControl = journaled ?? ScaffoldControl.Encode(serverControl);
            return;
        }
        if (journaled is null) return;
        var moments = NamedVectors.Decode(journaled, Layout.TotalCount, "server optimiser state", "m", "v");
        optimizer = new ServerOptimizerState(moments[0], moments[1]);
    }

    /// <summary>A SCAFFOLD job needs each update's control delta, of the model's length; any other job refuses one.</summary>
    private const float MaxControlDelta = 1e6f;

    private string? ControlDeltaProblem(ModelWeights? delta)
    {
        var scaffold = StrategyNames.UsesControlVariates(Spec.Strategy.Name);
        if (scaffold && delta is null) return $"this job runs {Spec.Strategy.Name}: the update must carry the site's control-variate delta (controlDelta)";
        if (!scaffold && delta is not null)
            return $"this job runs {Spec.Strategy.Name}, which takes no control-variate delta, but the update carries one (controlDelta)";
        if (delta is null) return null;
        float[] values;
        try { values = ScaffoldControl.Decode(delta, Layout.TotalCount); }
        catch (InvalidPayloadException e) { return $"controlDelta: {e.Message}"; }
        // Bounded so the server's control, a running sum journaled every round, can never overflow to ∞.
        var largest = values.Max(v => Math.Abs(v));
        return largest > MaxControlDelta
            ? $"controlDelta: a value of magnitude {largest:G3} exceeds {MaxControlDelta:G1} (a diverging or corrupted site)" : null;
    }
}
