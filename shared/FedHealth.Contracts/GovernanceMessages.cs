namespace FedHealth.Contracts;

/// <summary>A destination a site's policy allows, with the legal basis it records for transfers there.</summary>
public sealed record PolicyDestination
{
    public required string Jurisdiction { get; init; }
    public required string LegalBasis { get; init; }
}

/// <summary>What a site's own policy allows, as it tells the consortium (the hospital's file stays at the hospital).</summary>
public sealed record PolicySummary
{
    public required IReadOnlyList<PolicyDestination> Destinations { get; init; }
    public required IReadOnlyList<string> DataKinds { get; init; }
    public required IReadOnlyList<string> Consortia { get; init; }
    /// <summary>The models the site will train (its policy's models section); null: any model that builds.</summary>
    public ModelPolicy? Models { get; init; }
}

/// <summary>A transfer a site's policy refused: what it would have sent, to where, and why. Metadata only, no payload.</summary>
public sealed record RefusedTransfer
{
    public required string DataKind { get; init; }
    public required string Destination { get; init; }
    public required string DestinationJurisdiction { get; init; }
    public required string Reason { get; init; }
}

/// <summary>Where a job's parties are: the coordinator's jurisdiction and each participant's, and the consortium running it.</summary>
public sealed record JobGovernance
{
    public required string Consortium { get; init; }
    public required string CoordinatorJurisdiction { get; init; }
    public required IReadOnlyDictionary<string, string> SiteJurisdictions { get; init; }
    /// <summary>The legal basis each site declared for sending to the coordinator's jurisdiction.</summary>
    public required IReadOnlyDictionary<string, string> InboundLegalBases { get; init; }
}
