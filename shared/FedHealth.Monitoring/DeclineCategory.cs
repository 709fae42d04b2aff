namespace FedHealth.Monitoring;

/// <summary>
/// A decline's reason is free text for people; a metric's tag must be one of a few values. The categories follow how
/// sites word their reasons (the site agent's decline sites): what is not recognised counts as "other".
/// </summary>
public static class DeclineCategory
{
    public static readonly IReadOnlyList<string> All = ["policy", "privacy", "model", "schema", "secure_aggregation", "other"];

    public static string Of(string reason)
    {
        var text = reason.ToLowerInvariant();
        if (text.StartsWith("site policy", StringComparison.Ordinal)) return "policy";
        if (text.Contains("privacy budget") || text.Contains("differential-privacy") || text.Contains("ε")) return "privacy";
        if (text.Contains("secure sum") || text.Contains("secure aggregation") || text.Contains("masked")) return "secure_aggregation";
        if (text.Contains("schema")) return "schema";
        if (text.Contains("model") || text.Contains("task")) return "model";
        return "other";
    }
}
