using FedHealth.Contracts;
using FedHealth.Governance;

namespace FedHealth.Tests.Governance;

/// <summary>
/// Six transfers of two jobs across four jurisdictions, an hour apart, each kind of decision among them; entry N is
/// the Nth transfer, so tests can name the entries a query should select.
/// </summary>
public static class LedgerSamples
{
    public static readonly Guid FirstJob = Guid.Parse("11111111-1111-1111-1111-111111111111");
    public static readonly Guid SecondJob = Guid.Parse("22222222-2222-2222-2222-222222222222");
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    public static IReadOnlyList<TransferRecord> Drafts() =>
    [
        Draft(FirstJob, 0, "DE-GBSG", "DE", "coordinator", "NL", DataKinds.MaskedModelUpdate, TransferDecisions.Allowed),
        Draft(FirstJob, 1, "coordinator", "NL", "DE-GBSG", "DE", DataKinds.GlobalModel, TransferDecisions.Allowed),
        Draft(FirstJob, 2, "US-MAYO", "US", "coordinator", "NL", DataKinds.ModelUpdate, TransferDecisions.RefusedByCoordinator("no legal basis declared")),
        Draft(SecondJob, 3, "DE-GBSG", "DE", "US-MAYO", "US", DataKinds.ModelUpdate, TransferDecisions.RefusedBySitePolicy("US is not an allowed destination")),
        Draft(SecondJob, 4, "coordinator", "NL", "US-MAYO", "US", DataKinds.GlobalModel, TransferDecisions.Allowed),
        Draft(SecondJob, 5, "FR-CURIE", "FR", "coordinator", "NL", DataKinds.AggregateMetrics, TransferDecisions.Allowed),
    ];

    /// <summary>The drafts chained as the ledger actor chains them (indexes 1 to 6, hashes linked).</summary>
    public static IReadOnlyList<TransferRecord> Chained()
    {
        var chain = new List<TransferRecord>();
        foreach (var draft in Drafts()) chain.Add(draft.ChainedAfter(chain.LastOrDefault()));
        return chain;
    }

    public static DateTimeOffset Hour(int n) => Start.AddHours(n);

    private static TransferRecord Draft(Guid job, int hour, string sender, string senderJurisdiction, string receiver, string receiverJurisdiction,
        string kind, string decision) => new()
        {
            Index = 0, At = Hour(hour), JobId = job, Round = 1, Sender = sender, SenderJurisdiction = senderJurisdiction, Receiver = receiver,
            ReceiverJurisdiction = receiverJurisdiction, DataKind = kind, Bytes = 1000 + hour, PayloadSha256 = new string('a', 64),
            LegalBasis = "standardContractualClauses", Decision = decision, PreviousHash = "",
        };
}
