using FedHealth.Contracts;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FedHealth.Governance;

/// <summary>
/// The hospital's own rules for what may leave it, edited by its IT and applied to every job: where it is, which
/// consortia it works with, to which jurisdictions it may send and on which legal basis, and which kinds of data.
/// </summary>
public sealed class SitePolicy
{
    public required string Jurisdiction { get; init; }
    public required IReadOnlyList<string> Consortia { get; init; }
    public required IReadOnlyList<DestinationRule> Destinations { get; init; }
    public required IReadOnlyList<string> DataKinds { get; init; }
    public int? MinParticipants { get; init; }
    public PolicyPrivacy? Privacy { get; init; }
    /// <summary>The models the site will train (by digest, or within limits); null: any model that builds.</summary>
    public ModelPolicy? Models { get; init; }

    /// <summary>May <paramref name="dataKind"/> go to <paramref name="destination"/>? Returns the legal basis, or why not.</summary>
    public TransferDecision Evaluate(string dataKind, string destination)
    {
        if (!DataKinds.Contains(dataKind))
            return TransferDecision.Refuse($"the site policy does not allow sending {dataKind} (allowed: {string.Join(", ", DataKinds)})");
        var rule = Destinations.FirstOrDefault(d => Governance.Jurisdictions.Covers(d.Jurisdiction, destination));
        return rule is null
            ? TransferDecision.Refuse(
                $"the site policy allows no transfer from {Jurisdiction} to {destination} ({Governance.Jurisdictions.RegimeOf(destination)})")
            : TransferDecision.Allow(rule.LegalBasis);
    }
}

/// <summary>A destination (a country code, or EU / EEA) and the legal basis the site records for transfers there.</summary>
public sealed class DestinationRule
{
    public required string Jurisdiction { get; init; }
    public required string LegalBasis { get; init; }
}

/// <summary>The site's differential-privacy budget, as in the site config; the policy's value wins.</summary>
public sealed class PolicyPrivacy
{
    public required double EpsilonBudget { get; init; }
    public double Delta { get; init; } = 1e-5;
}

/// <summary>A policy's answer for one transfer.</summary>
public sealed record TransferDecision(bool Allowed, string LegalBasisOrReason)
{
    public static TransferDecision Allow(string basis) => new(true, basis);
    public static TransferDecision Refuse(string reason) => new(false, reason);
}
