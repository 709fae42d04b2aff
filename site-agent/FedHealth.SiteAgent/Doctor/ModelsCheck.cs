using FedHealth.Contracts;
using FedHealth.Governance;
using FedHealth.Learning.Data;
using FedHealth.Learning.Models;
using FedHealth.Learning.Models.Architectures;

namespace FedHealth.SiteAgent.Doctor;

/// <summary>
/// What the site's policy lets it train (its models section), and the digest and size of the logistic and mlp presets
/// on this site's features with whether the policy takes them, so IT can copy a digest into allowedDigests.
/// </summary>
public static class ModelsCheck
{
    private const string Name = "models";

    /// <param name="policy">The loaded policy; null when the site runs without one.</param>
    public static CheckResult Policy(SitePolicy? policy)
    {
        if (policy is null) return CheckResult.Warn(Name, "any model that builds (no policyFile)");
        return policy.Models switch
        {
            null => CheckResult.Warn(Name,
                "any model that builds (no models section): add one to limit what this site trains (`init` writes a commented default; docs/models.md)"),
            { AllowedDigests.Count: 0, HasLimits: false } =>
                CheckResult.Warn(Name, "no model: the models section approves no digest and sets no limit, so every model is refused"),
            { } models => CheckResult.Pass(Name, Describe(models)),
        };
    }

    /// <summary>The logistic preset and the mlp with the default hidden units, on the features of the site's schema.</summary>
    public static IEnumerable<CheckResult> Presets(SiteConfig config)
    {
        DataSchema schema;
        if (config.Data.Images is { } images) return ImagePresets(config.Policy?.Models, images);
        try { schema = SchemaFile.Load(config.Data.Schema!); }
        catch (Exception e) when (e is DataException or IOException or UnauthorizedAccessException)
        {
            return [CheckResult.Warn("model presets", "no digests: the schema does not load (see the data check)")];
        }
        return Presets(config.Policy?.Models, schema.FeatureNames, schema.Label.Task,
            schema.Label.Kind == LabelDefinition.Multiclass ? schema.Label.Classes?.Count : null);
    }

    /// <summary>An image site's presets (small-cnn, resnet18) on its images' shape and classes: the digests a job on them sends.</summary>
    private static IEnumerable<CheckResult> ImagePresets(ModelPolicy? policy, string imageSchema)
    {
        FedHealth.Learning.Images.ImageSchema schema;
        try { schema = FedHealth.Learning.Images.ImageSchemaFile.Load(imageSchema); }
        catch (Exception e) when (e is DataException or IOException or UnauthorizedAccessException)
        {
            return [CheckResult.Warn("model presets", "no digests: the image schema does not load (see the image source check)")];
        }
        int[] shape = [schema.Channels, schema.Height, schema.Width];
        var binary = schema.Classes.Count == 2;
        return new[] { ModelKinds.SmallCnn, ModelKinds.ResNet18 }.Select(kind => Judge(policy, new ModelSpec
        {
            Kind = kind, Features = shape.Aggregate(1, (a, b) => a * b), Input = shape,
            Task = binary ? ModelTasks.Binary : ModelTasks.Multiclass, Classes = binary ? null : schema.Classes.Count,
        }, [ImageInput.FeatureName(shape)]));
    }

    /// <param name="task">The task the site's label holds: the presets end in its outputs (one per class for multiclass), so their digests
    /// are the ones a job sends.</param>
    public static IEnumerable<CheckResult> Presets(ModelPolicy? policy, IReadOnlyList<string> featureNames, string task = ModelTasks.Binary,
        int? classes = null) =>
        new[] { ModelKinds.Logistic, ModelKinds.Mlp }.Select(kind =>
            Judge(policy, new ModelSpec { Kind = kind, Features = featureNames.Count, Task = task, Classes = classes }, featureNames));

    private static CheckResult Judge(ModelPolicy? policy, ModelSpec spec, IReadOnlyList<string> featureNames)
    {
        var name = $"model {spec.Kind}";
        ResolvedArchitecture model;
        try { model = Architecture.Resolve(spec, featureNames); }
        catch (ArgumentException e) { return CheckResult.Warn(name, $"does not build on this schema: {e.Message}"); }
        var shape = spec.Kind == ModelKinds.Mlp ? $"{spec.HiddenUnits} hidden units, " : "";
        var detail = $"{model.Digest} ({shape}{model.Layout.TotalCount:N0} parameters on the schema's {spec.Features} features)";
        return ModelApproval.Refusal(policy, model.Digest, model.Layout.TotalCount, model.Kinds, model.Task) switch
        {
            // The reason without its lead-in, which repeats the digest.
            { } why => CheckResult.Warn(name, $"{detail}: refused, {why.Split("accepts: ", 2)[^1]} (add its digest to models.allowedDigests to train it)"),
            null when policy is null => CheckResult.Pass(name, $"{detail}: accepted (the policy does not limit models)"),
            null when policy.AllowedDigests.Contains(model.Digest, StringComparer.OrdinalIgnoreCase) =>
                CheckResult.Pass(name, $"{detail}: accepted, approved by digest"),
            null => CheckResult.Pass(name, $"{detail}: accepted, within the policy's limits"),
        };
    }

    private static string Describe(ModelPolicy models)
    {
        var digests = models.AllowedDigests.Count == 0 ? "no digests approved"
            : $"{models.AllowedDigests.Count} digest{(models.AllowedDigests.Count == 1 ? "" : "s")} approved ({string.Join(", ", models.AllowedDigests)})";
        if (!models.HasLimits) return $"{digests}; no limits, so no other model is trained";
        var limits = new List<string>();
        if (models.MaxParameters is { } max) limits.Add($"at most {max:N0} parameters");
        if (models.LayerKinds is { } kinds) limits.Add($"layer kinds {(kinds.Count == 0 ? "none" : string.Join(", ", kinds))}");
        if (models.Tasks is { } tasks) limits.Add($"tasks {(tasks.Count == 0 ? "none" : string.Join(", ", tasks))}");
        return $"{digests}; any other model within {string.Join("; ", limits)}";
    }
}
