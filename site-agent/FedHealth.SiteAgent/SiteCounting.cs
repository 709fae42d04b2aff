using FedHealth.Contracts;
using FedHealth.Learning.Data;
using FedHealth.Privacy.SecureAggregation;
using Microsoft.Extensions.Logging;

namespace FedHealth.SiteAgent;

/// <summary>
/// The site's handler for a label-counts job: its rows per label (training and held-out rows alike), sent only as its
/// input to the round's secure sum, so the coordinator learns the consortium's totals and never this site's. No model
/// is built and nothing of the rows leaves. Not thread-safe: the agent calls it under its lock.
/// </summary>
public sealed class SiteCounting(string siteId, DataSchema schema, TrainTestSplit split, RoundAnswers answers, TransferGate gate,
    SecureParticipation secure, ILogger logger)
{
    /// <summary>The labels this site can count (today's schemas have binary outcomes).</summary>
    public static readonly IReadOnlyList<string> CountableLabels = ["0", "1"];

    public ISiteRoundMessage? Handle(CountRequested request)
    {
        // A broker that comes back may redeliver an earlier attempt after a later one: answer only the latest.
        if (!answers.IsLatest(request.JobId, request.Round, request.Attempt)) return null;
        if (gate.Admit(request) is { } notForUs) return gate.Release(notForUs);
        if (request.Schema != schema.Name || !request.FeatureNames.SequenceEqual(schema.FeatureNames))
            return gate.Release(Decline(request, $"site {siteId} holds schema '{schema.Name}', the count asks for '{request.Schema}'"));
        if (split.Train.LabelTask.Task is ModelTasks.Multiclass or ModelTasks.Regression)
            return gate.Release(Decline(request, $"this site's label is {split.Train.LabelTask.Task}; a label-counts job counts binary outcomes"));
        if (request.Labels is null || !request.Labels.SequenceEqual(CountableLabels))
            return gate.Release(Decline(request,
                $"the count asks for labels [{string.Join(", ", request.Labels ?? [])}]; this site's outcome is binary " +
                    $"({string.Join(", ", CountableLabels)})"));
        ulong[] input;
        try { input = Input(Count(split), SecureRing.Of(request.SecureRound), request.Participants.Count); }
        catch (Exception e) when (e is OverflowException or SecureRoundException)
        {
            return gate.Release(Decline(request, $"the counts do not fit the round's secure sum: {e.Message}"));
        }
        logger.LogInformation("site {Site}: job {Job}: counted its rows per label; they leave only masked, for the secure sum", siteId, request.JobId);
        return gate.Release(secure.Advertise(request, input, SecureParticipation.MaskedExtras.None));
    }

    /// <summary>This site's rows per label, then its total: what it adds to the sum.</summary>
    public static long[] Count(TrainTestSplit split)
    {
        long negatives = 0, positives = 0;
        foreach (var part in new[] { split.Train, split.Test })
            foreach (var label in part.Labels)
                if (label >= 0.5f) positives++; else negatives++;
        return [negatives, positives, negatives + positives];
    }

    private static ulong[] Input(long[] counts, SecureRing ring, int parties) => counts.Select((c, i) => ring.Encode(c, parties, i)).ToArray();

    private RoundDeclined Decline(CountRequested request, string reason)
    {
        logger.LogWarning("site {Site}: declining the count of job {Job}: {Reason}", siteId, request.JobId, reason);
        return new RoundDeclined { JobId = request.JobId, Round = request.Round, Attempt = request.Attempt, SiteId = siteId, Reason = reason };
    }
}
