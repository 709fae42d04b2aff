using FedHealth.Contracts;

namespace FedHealth.Governance;

/// <summary>A hospital's policy applied to a model before it trains: accepted, or the reason, naming the model's digest.</summary>
public static class ModelApproval
{
    /// <param name="policy">The policy's models section; null: the policy does not limit models (every buildable model is trained).</param>
    /// <param name="kinds">Every layer kind the model uses, nested ones included.</param>
    public static string? Refusal(ModelPolicy? policy, string digest, long parameters, IEnumerable<string> kinds, string task)
    {
        if (policy is null || policy.AllowedDigests.Contains(digest, StringComparer.OrdinalIgnoreCase)) return null;
        var refused = $"model {digest} is not one the site's policy accepts: ";
        if (!policy.HasLimits) return refused + "the site trains only the models it approved by digest, and this is not one of them";
        if (policy.MaxParameters is { } max && parameters > max) return refused + $"it has {parameters:N0} parameters, more than the {max:N0} allowed";
        if (policy.LayerKinds is { } allowed
            && kinds.Where(k => !allowed.Contains(k)).Distinct().Order(StringComparer.Ordinal).ToList() is { Count: > 0 } extra)
            return refused + $"it uses {string.Join(", ", extra)}, and the policy allows only {string.Join(", ", allowed)}";
        if (policy.Tasks is { } tasks && !tasks.Contains(task)) return refused + $"its task is {task}, and the policy allows only {string.Join(", ", tasks)}";
        return null;
    }

    /// <summary>What is wrong with a policy's models section, each problem with its field.</summary>
    public static IEnumerable<(string Field, string Value, string What)> Problems(ModelPolicy models)
    {
        for (var i = 0; i < models.AllowedDigests.Count; i++)
        {
            var d = models.AllowedDigests[i];
            if (!(d.StartsWith("sha256:", StringComparison.Ordinal) && d.Length == 71 && d[7..].All(char.IsAsciiHexDigit)))
                yield return ($"models.allowedDigests[{i}]", d,
                    $"'{d}' is not a digest: write sha256: and the 64 hex digits the dashboard or the job report shows");
        }
        if (models.MaxParameters is < 1) yield return ("models.maxParameters", models.MaxParameters.ToString()!, "must be at least 1");
        foreach (var (kind, i) in (models.LayerKinds ?? []).Select((k, i) => (k, i)))
            if (!LayerKinds.Fields.ContainsKey(kind))
                yield return ($"models.layerKinds[{i}]", kind, $"'{kind}' is not a layer kind (known: {string.Join(", ", LayerKinds.All)})");
        foreach (var (task, i) in (models.Tasks ?? []).Select((t, i) => (t, i)))
            if (!ModelTasks.All.Contains(task))
                yield return ($"models.tasks[{i}]", task, $"'{task}' is not a task (known: {string.Join(", ", ModelTasks.All)})");
    }
}
