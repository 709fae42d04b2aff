using FedHealth.Contracts;

namespace FedHealth.Learning.Data;

/// <summary>
/// What a site's label values mean: the task (<see cref="ModelTasks"/>), a multiclass label's number of
/// <see cref="Classes"/> (labels are class indices 0 to K − 1), and a regression label's standardisation (labels are
/// (y − <see cref="Center"/>) / <see cref="Scale"/>, and figures are reported back in y's units).
/// </summary>
public sealed record LabelTask(string Task, int Classes = 0, double Center = 0, double Scale = 1)
{
    public static readonly LabelTask Binary = new(ModelTasks.Binary);
    public static readonly LabelTask Survival = new(ModelTasks.Survival);

    /// <summary>A regression label in its own units (the inverse of the schema's standardisation).</summary>
    public double Unscaled(double label) => label * Scale + Center;

    /// <summary>The label task a schema's label declares.</summary>
    public static LabelTask Of(LabelDefinition label) => label.Task switch
    {
        ModelTasks.Multiclass => new LabelTask(ModelTasks.Multiclass, label.Classes?.Count ?? 0),
        ModelTasks.Regression => new LabelTask(ModelTasks.Regression, 0, label.Center ?? 0, label.Scale ?? 1),
        ModelTasks.Survival => Survival,
        _ => Binary,
    };
}
