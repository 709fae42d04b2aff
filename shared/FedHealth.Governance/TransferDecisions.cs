namespace FedHealth.Governance;

/// <summary>
/// The decisions a ledger entry records. A refusal keeps its reason in the text, so filters and facets work on the
/// category: "allowed" or "refused".
/// </summary>
public static class TransferDecisions
{
    public const string Allowed = "allowed";
    public const string Refused = "refused";

    /// <summary>The categories a query may filter on.</summary>
    public static readonly IReadOnlyList<string> Categories = [Allowed, Refused];

    public static string RefusedByCoordinator(string reason) => $"{Refused} by coordinator: {reason}";

    public static string RefusedBySitePolicy(string reason) => $"{Refused} by site policy: {reason}";

    /// <summary>"allowed" or "refused"; a decision written by hand or by another version stays as it is.</summary>
    public static string CategoryOf(string decision) =>
        decision == Allowed ? Allowed : decision.StartsWith(Refused, StringComparison.Ordinal) ? Refused : decision;
}
