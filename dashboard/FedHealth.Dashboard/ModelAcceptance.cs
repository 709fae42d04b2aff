using FedHealth.Contracts;
using FedHealth.Governance;
using FedHealth.Learning.Jobs;
using FedHealth.Learning.Models;
using FedHealth.Learning.Models.Architectures;

namespace FedHealth.Dashboard;

/// <summary>A site whose policy would not train a model, and why (its policy's own words).</summary>
public sealed record SiteRefusal(string Site, string Reason);

/// <summary>A resolved layer as the form shows it: kind, parameter name, output shape per row, and a residual's inner layers.</summary>
public sealed record ModelCheckLayer(string Kind, string Name, IReadOnlyList<int> Output, IReadOnlyList<ModelCheckLayer> Layers);

/// <summary>
/// What the job form learns about a model while a lead edits it: its parameter count and digest, each layer's output
/// shape, what keeps it from building (naming the layer), and which chosen online sites' policies accept or refuse it.
/// </summary>
public sealed record ModelCheck(
    long? Parameters, string? Digest, IReadOnlyList<ModelCheckLayer> Layers, IReadOnlyList<string> Problems,
    IReadOnlyList<string> Accepting, IReadOnlyList<SiteRefusal> Refusing);

/// <summary>
/// Which sites would train a model, judged as each site judges it (<see cref="ModelApproval"/> against the models section
/// its heartbeat advertises; none advertised: it trains any model that builds). Pure: the caller brings the heartbeats.
/// </summary>
public static class ModelAcceptance
{
    /// <summary>The sites' answers, in the order given.</summary>
    public static (IReadOnlyList<string> Accepting, IReadOnlyList<SiteRefusal> Refusing) Judge(ResolvedArchitecture model,
        IEnumerable<SiteHeartbeat> sites)
    {
        var accepting = new List<string>();
        var refusing = new List<SiteRefusal>();
        foreach (var site in sites)
        {
            if (ModelApproval.Refusal(site.Policy?.Models, model.Digest, model.Layout.TotalCount, model.Kinds, model.Task) is { } why)
                refusing.Add(new SiteRefusal(site.SiteId, why));
            else accepting.Add(site.SiteId);
        }
        return (accepting, refusing);
    }

    /// <summary>
    /// The sites a model check judges: the named ones that are online, or (none named) every online site with these features.
    /// </summary>
    public static IReadOnlyList<SiteHeartbeat> Chosen(IReadOnlyList<string>? sites, IReadOnlyList<string> featureNames,
        IReadOnlyCollection<SiteHeartbeat> online) =>
        sites is { Count: > 0 }
            ? sites.Distinct().Select(s => online.FirstOrDefault(h => h.SiteId == s)).OfType<SiteHeartbeat>().ToList()
            : online.Where(h => h.FeatureNames.SequenceEqual(featureNames)).OrderBy(h => h.SiteId, StringComparer.Ordinal).ToList();

    /// <summary>
    /// Checks a model against the sites a lead chose: its problems ("model: …" for a preset, "model.layers: …" for a declared
    /// network, naming the layer) or its figures and the sites' answers.
    /// </summary>
    public static ModelCheck Check(ModelSpec model, IReadOnlyList<string> featureNames, IReadOnlyList<SiteHeartbeat> sites)
    {
        var field = model.Kind == ModelKinds.Declared ? "model.layers" : "model";
        if (model.Features != featureNames.Count)
            return Failed($"model.features: {model.Features} does not match the {featureNames.Count} feature names");
        ResolvedArchitecture resolved;
        try { resolved = Architecture.Resolve(model, featureNames); }
        catch (ArgumentException e) { return Failed($"{field}: {e.Message}"); }
        var (accepting, refusing) = Judge(resolved, sites);
        return new ModelCheck(resolved.Layout.TotalCount, resolved.Digest, Layers(resolved.Layers), [], accepting, refusing);
    }

    /// <summary>
    /// Why a training job may not start for its model: fewer of its participants (chosen as the coordinator chooses them)
    /// would train it than the job needs each round. Null when enough would, or when the spec has other problems the
    /// coordinator names itself.
    /// </summary>
    public static string? Problem(JobSpec spec, IReadOnlyCollection<SiteHeartbeat> online)
    {
        if (spec.Kind != JobKinds.Training || spec.Model is null || spec.FeatureNames is null) return null;
        var (participants, problem) = JobSpecRules.ChooseParticipants(spec, online);
        if (problem is not null) return null;
        ResolvedArchitecture model;
        try { model = Architecture.Resolve(spec.Model, spec.FeatureNames); }
        catch (ArgumentException) { return null; }
        var (accepting, refusing) = Judge(model, participants.Select(p => online.First(h => h.SiteId == p)));
        if (accepting.Count >= spec.MinSites) return null;
        return $"model: {accepting.Count} of the {participants.Count} sites taking part would train it, and the job needs {spec.MinSites} (minSites): " +
            string.Join("; ", refusing.Select(r => $"{r.Site} refuses: {r.Reason}"));
    }

    private static ModelCheck Failed(string problem) => new(null, null, [], [problem], [], []);

    private static List<ModelCheckLayer> Layers(IEnumerable<ResolvedLayer> layers) =>
        layers.Select(l => new ModelCheckLayer(l.Kind, l.Name, l.Output, Layers(l.Layers))).ToList();
}
