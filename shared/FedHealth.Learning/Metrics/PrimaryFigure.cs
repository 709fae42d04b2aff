using FedHealth.Contracts;

namespace FedHealth.Learning.Metrics;

/// <summary>
/// A task's headline figure: what the CLI table, the summary, the bench and the best-checkpoint choice go by. Binary: the
/// ROC AUC; survival: Harrell's C-index; multiclass: accuracy; regression: RMSE, in the label's units, lower better.
/// </summary>
public sealed record PrimaryFigure(string Name, double Value, bool HigherIsBetter)
{
    public static string NameOf(string task) => task switch
    {
        ModelTasks.Survival => "C-index",
        ModelTasks.Multiclass => "accuracy",
        ModelTasks.Regression => "RMSE",
        _ => "AUC",
    };

    public static bool HigherIsBetterFor(string task) => task != ModelTasks.Regression;

    /// <summary>The task's headline figure of some metrics (NaN when they lack it).</summary>
    public static double ValueOf(string task, ModelMetrics? m) => m is null ? double.NaN : task switch
    {
        ModelTasks.Multiclass => m.Accuracy,
        ModelTasks.Regression => m.Regression?.Rmse ?? double.NaN,
        _ => m.Auc,
    };

    public static PrimaryFigure Of(string task, ModelMetrics? m) => new(NameOf(task), ValueOf(task, m), HigherIsBetterFor(task));

    /// <summary>True when <paramref name="value"/> beats <paramref name="than"/> by the task's direction.</summary>
    public static bool Better(string task, double value, double than) => HigherIsBetterFor(task) ? value > than : value < than;
}
