using FedHealth.Contracts;
using FedHealth.Learning.Models;
using FedHealth.Learning.Models.Architectures;

namespace FedHealth.Learning.Jobs;

/// <summary>Checks a lead's job spec before anything is created; each problem names the field.</summary>
public static class JobSpecRules
{
    public const int MaxRounds = 10_000;
    public const int MaxNameLength = 200;

    public static IReadOnlyList<string> Problems(JobSpec spec)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(spec.Name)) problems.Add("name: must not be empty");
        else if (spec.Name.Length > MaxNameLength) problems.Add($"name: {spec.Name.Length} characters, at most {MaxNameLength}");
        else if (spec.Name.Any(char.IsControl)) problems.Add("name: must not hold control characters (a NUL, a line break)");
        if (string.IsNullOrWhiteSpace(spec.Schema)) problems.Add("schema: must name the data schema");
        // A spec from JSON or the bus can hold null where the type says it cannot: name it rather than throw later.
        if (spec.Sites is null) problems.Add("sites: must be a list (empty: every online site on the schema)");
        else if (spec.Sites.Any(string.IsNullOrWhiteSpace)) problems.Add("sites: a site id is empty");
        if (spec.FeatureNames is null) problems.Add("featureNames: missing");
        if (spec.Rounds is < 1 or > MaxRounds) problems.Add($"rounds: {spec.Rounds} is outside 1..{MaxRounds}");
        if (spec.MinSites < 1) problems.Add($"minSites: {spec.MinSites} must be at least 1");
        if (spec.RoundDeadline <= TimeSpan.Zero || spec.RoundDeadline > TimeSpan.FromDays(1))
            problems.Add($"roundDeadline: {spec.RoundDeadline} must be positive and at most a day");
        if (spec.SecureAggregationRingBits is not (32 or 64))
            problems.Add($"secureAggregationRingBits: {spec.SecureAggregationRingBits} is not 32 or 64");
        else if (spec.SecureAggregationRingBits != 64 && !spec.SecureAggregation)
            problems.Add("secureAggregationRingBits: a ring for the secure sum needs secureAggregation");
        problems.AddRange(SecureGraphRules.Problems(spec));
        if (spec.CheckpointEvery < 0 || spec.CheckpointEvery > spec.Rounds)
            problems.Add($"checkpointEvery: {spec.CheckpointEvery} must lie in 0..{spec.Rounds} (0 keeps only the latest and the best model)");
        if (spec.Kind == JobKinds.LabelCounts) return [.. problems, .. LabelCountProblems(spec)];
        if (spec.Kind != JobKinds.Training) problems.Add($"kind: '{spec.Kind}' is not a kind of job ({string.Join(", ", JobKinds.All)})");
        if (spec.Model is null) problems.Add("model: missing");
        else
        {
            problems.AddRange(InputProblems(spec));
            try
            {
                var model = Architecture.Resolve(spec.Model, spec.FeatureNames);
                problems.AddRange(ArchitectureProblems(spec, model));
                problems.AddRange(FedHealth.Learning.Strategies.LocalBatchNorm.Problems(spec, model.Layout));
            }
            catch (ArgumentException e) { problems.Add($"model: {e.Message}"); }
        }
        var t = spec.Training;
        if (t is null) problems.Add("training: missing");
        else
        {
            if (t.LocalEpochs is < 1 or > 1000) problems.Add($"training.localEpochs: {t.LocalEpochs} is outside 1..1000");
            if (t.BatchSize is < 1 or > 1_000_000) problems.Add($"training.batchSize: {t.BatchSize} is outside 1..1000000");
            if (!(t.LearningRate > 0) || t.LearningRate > 100) problems.Add($"training.learningRate: {t.LearningRate} must be in (0, 100]");
        }
        if (spec.Privacy is { } dp)
        {
            // The sampling rate and the steps it makes, by the rule the sites train by (a missing plan is reported above).
            if (FedHealth.Privacy.Accounting.DpSgdSchedule.Problem(t ?? new TrainingPlan(), dp) is { } schedule) problems.Add(schedule);
            if (!(dp.ClipNorm > 0) || !double.IsFinite(dp.ClipNorm)) problems.Add($"privacy.clipNorm: {dp.ClipNorm} must be positive");
            if (!(dp.NoiseMultiplier > 0) || !double.IsFinite(dp.NoiseMultiplier))
                problems.Add($"privacy.noiseMultiplier: {dp.NoiseMultiplier} must be positive");
        }
        if (spec.SiteLevelPrivacy is { } site)
        {
            if (!(site.ClipNorm > 0) || !double.IsFinite(site.ClipNorm)) problems.Add($"siteLevelPrivacy.clipNorm: {site.ClipNorm} must be positive");
            if (!(site.NoiseMultiplier > 0) || !double.IsFinite(site.NoiseMultiplier))
                problems.Add($"siteLevelPrivacy.noiseMultiplier: {site.NoiseMultiplier} must be positive");
            if (!(site.Delta is > 0 and < 1)) problems.Add($"siteLevelPrivacy.delta: {site.Delta} must lie in (0, 1)");
            // Each site adds only its 1/sqrt(m) share of the noise: without secure aggregation the coordinator would see
            // single updates with too little noise to protect them.
            if (!spec.SecureAggregation) problems.Add("siteLevelPrivacy: needs secureAggregation, since each site adds only its share of the noise");
        }
        problems.AddRange(FedHealth.Learning.Strategies.StrategyNames.Problems(spec));
        problems.AddRange(FedHealth.Learning.Strategies.PersonalisationMethods.Problems(spec));
        return problems;
    }

    /// <summary>
    /// A tabular job's model reads one value per feature name; an image job's (one feature "image:CxHxW", see
    /// <see cref="FedHealth.Learning.Data.ImageInput"/>) reads an image of that shape, which it must declare as its input.
    /// </summary>
    private static IEnumerable<string> InputProblems(JobSpec spec)
    {
        var model = spec.Model;
        if (FedHealth.Learning.Data.ImageInput.ShapeOf(spec.FeatureNames) is { } image)
        {
            var values = image.Aggregate(1L, (a, b) => a * b);
            if (model.Input is null || !model.Input.SequenceEqual(image) || model.Features != values)
                yield return $"model.input: the job's data is images of shape {Shape(image)} (feature '{spec.FeatureNames[0]}'): the model must say " +
                    $"\"input\": {Shape(image)} and \"features\": {values}";
        }
        else if (model.Input is not null)
            yield return $"model.input: only a job on images (featureNames one '{FedHealth.Learning.Data.ImageInput.Prefix}CxHxW' feature) " +
                "declares an input shape";
        else if (spec.FeatureNames is null || model.Features != spec.FeatureNames.Count)
            yield return $"model.features: {model.Features} does not match the {spec.FeatureNames?.Count ?? 0} feature names";
    }

    private static string Shape(IEnumerable<int> shape) => $"[{string.Join(", ", shape)}]";

    /// <summary>What a network that builds may still not be trained with: rows mixed in a batch under DP-SGD, or SCAFFOLD over buffers.</summary>
    private static IEnumerable<string> ArchitectureProblems(JobSpec spec, ResolvedArchitecture model)
    {
        if (model.Task == ModelTasks.Survival && spec.Privacy is not null)
            yield return "privacy: DP-SGD needs each row's own gradient, and a row's term of the Cox partial likelihood depends on its whole risk set; " +
                "train a survival model without privacy (siteLevelPrivacy protects whole updates and works)";
        var mixing = model.Kinds.Where(LayerKinds.MixesRows).Order(StringComparer.Ordinal).ToList();
        if (mixing.Count == 0) yield break;
        if (spec.Privacy is not null)
            yield return $"model: {string.Join(", ", mixing)} mixes the rows of a batch, so DP-SGD's per-example gradients are not defined through it " +
                "(as Opacus refuses it); use layernorm, or train without privacy";
        if (FedHealth.Learning.Strategies.StrategyNames.UsesControlVariates(spec.Strategy.Name))
            yield return $"model: {spec.Strategy.Name}'s control variates cover trained parameters, not the running statistics of {string.Join(", ", mixing)}";
    }

    /// <summary>A label-counts job sums each site's rows per label under secure aggregation: no model, nothing trained, one round.</summary>
    private static IEnumerable<string> LabelCountProblems(JobSpec spec)
    {
        if (!spec.SecureAggregation) yield return "secureAggregation: a label-counts job sends each site's counts only masked; it cannot be off";
        if (spec.Model is not null) yield return "model: a label-counts job trains no model; leave it out";
        if (spec.Privacy is not null || spec.SiteLevelPrivacy is not null)
            yield return "privacy: a label-counts job trains nothing for DP-SGD to protect; leave privacy and siteLevelPrivacy out";
        if (spec.Personalisation is not null) yield return "personalisation: a label-counts job has no model to personalise";
        if (spec.CheckpointEvery != 0) yield return "checkpointEvery: a label-counts job has no model to keep";
        if (spec.Strategy is { } s && s != new StrategySpec())
            yield return "strategy: a label-counts job sums, it does not aggregate models; leave strategy out";
    }

    /// <summary>Which online sites take part: those named by the spec (all must be there), or every site on the spec's schema.</summary>
    public static (IReadOnlyList<string> Participants, string? Problem) ChooseParticipants(JobSpec spec, IReadOnlyCollection<SiteHeartbeat> online)
    {
        if (spec.Sites is null || spec.FeatureNames is null) return ([], "sites: must be a list, and featureNames given");
        var fitting = online.Where(s => s.Schema == spec.Schema && s.FeatureNames.SequenceEqual(spec.FeatureNames)).Select(s => s.SiteId).ToHashSet();
        List<string> chosen;
        if (spec.Sites.Count > 0)
        {
            var missing = spec.Sites.Where(s => !fitting.Contains(s)).ToList();
            if (missing.Count > 0) return ([], $"sites: {string.Join(", ", missing)} not online with schema '{spec.Schema}' and these features");
            chosen = spec.Sites.Distinct().ToList();
        }
        else chosen = fitting.Order(StringComparer.Ordinal).ToList();
        if (chosen.Count < spec.MinSites)
            return ([], $"minSites: the job needs {spec.MinSites} sites, {chosen.Count} are online with schema '{spec.Schema}" +
                $"'{(chosen.Count > 0 ? $" ({string.Join(", ", chosen)})" : "")}");
        return (chosen, null);
    }
}
