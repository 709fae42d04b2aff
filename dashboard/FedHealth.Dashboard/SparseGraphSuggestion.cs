using FedHealth.Privacy.SecureAggregation;

namespace FedHealth.Dashboard;

/// <summary>
/// The sparse masking graph's degree and threshold for the sites that would take part, as the form fills them in: Bell et
/// al.'s choice for 5 % corrupt and 10 % dropped sites, or (Planned false) every other site for a federation too small for it.
/// </summary>
public sealed record SparseGraphSuggestion(int Sites, int Neighbours, int Threshold, bool Planned, double CorruptFraction, double DropoutFraction)
{
    public static SparseGraphSuggestion? For(int sites)
    {
        if (sites < 3) return null;
        var (k, t, planned) = SparseGraphParameters.Suggested(sites);
        return new(sites, k, t, planned, SparseGraphParameters.PlannedCorruptFraction, SparseGraphParameters.PlannedDropoutFraction);
    }
}
