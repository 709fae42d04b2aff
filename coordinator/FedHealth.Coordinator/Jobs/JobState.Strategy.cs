using FedHealth.Contracts;
using FedHealth.Learning.Codec;
using FedHealth.Learning.Models;
using FedHealth.Learning.Strategies;

namespace FedHealth.Coordinator.Jobs;

/// <summary>The job's strategy applied to a round's aggregate (plain or secure): the next global model, and the server optimiser's state.</summary>
public sealed partial class JobState
{
    private ServerOptimizerState? optimizer;

    /// <summary>The next global weights from the round's aggregate, and the optimiser state to journal with them (null unless a server optimiser runs).</summary>
    private (ModelWeights Global, ModelWeights? ServerState) Finish(float[] aggregate)
    {
        if (!StrategyNames.UsesServerOptimizer(Spec.Strategy.Name)) return (new FlatParameters(Layout, aggregate).ToWeights(), null);
        var global = FlatParameters.FromWeights(Layout, GlobalWeights).Values;
        var (next, state) = ServerOptimizer.Step(Spec.Strategy, global, aggregate, optimizer);
        int[] shape = [state!.M.Length];
        return (new FlatParameters(Layout, next).ToWeights(), new ModelWeights { Tensors = [TensorCodec.Encode("m", shape, state.M), TensorCodec.Encode("v", shape, state.V)] });
    }

    private void ApplyServerState(ModelWeights? journaled)
    {
        if (journaled is null) return;
        var m = new float[Layout.TotalCount];
        var v = new float[Layout.TotalCount];
        TensorCodec.DecodeInto(journaled.Tensors[0], m);
        TensorCodec.DecodeInto(journaled.Tensors[1], v);
        optimizer = new ServerOptimizerState(m, v);
    }
}
