using FedHealth.Contracts;
using FedHealth.Learning.Codec;
using FedHealth.Learning.Models;

namespace FedHealth.Coordinator.Jobs;

/// <summary>
/// Cross-site evaluation: after a personalised job's last round, the final global model and the personal models the
/// sites shared with their last evaluation go to every site, and each site scores them all on its held-out rows.
/// The job completes once every participant has answered, declined or gone silent, or at the deadline; the matrix,
/// with the reason for each gap, goes into the job report. Only figures come back, as with every evaluation.
/// </summary>
public sealed partial class JobState
{
    private readonly Dictionary<string, ModelWeights> personalModels = new();
    private readonly Dictionary<string, string> personalWithheld = new();
    /// <summary>The cross-site step: each site's scores of every final model, or its decline.</summary>
    private readonly StepRoster<IReadOnlyList<CrossSiteScore>> scoring = new();

    /// <summary>The job report's cross-site matrix once scored; null before, or for a job that did not ask for one.</summary>
    public CrossSiteReport? CrossSite { get; private set; }

    private bool WantsCrossSite => Spec.Personalisation is { CrossSiteEvaluation: true };

    /// <summary>What the sites are asked to score: the global model, then each shared personal model by site id.</summary>
    public IReadOnlyList<CrossSiteCandidate> CrossSiteCandidates() =>
    [
        new CrossSiteCandidate { Weights = GlobalWeights },
        .. personalModels.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new CrossSiteCandidate { PersonalOf = p.Key, Weights = p.Value }),
    ];

    /// <summary>What a site's last evaluation may carry besides figures: its personal model, only when asked for, and well-formed.</summary>
    private string? PersonalModelProblem(EvaluationSubmitted e)
    {
        if (e.PersonalModel is null) return null;
        if (!WantsCrossSite || Round < Spec.Rounds) return $"{e.SiteId} sent its personal model, which this job does not ask for{(WantsCrossSite ? $" before round {Spec.Rounds}" : "")}";
        if (e.Personalised is null) return $"{e.SiteId} sent a personal model without its evaluation on its own rows";
        try { FlatParameters.Validate(Layout, e.PersonalModel); }
        catch (InvalidPayloadException bad) { return $"personal model of {e.SiteId}: {bad.Message}"; }
        return null;
    }

    /// <summary>After the last round: cross-site evaluation when the job asks for it, else the end.</summary>
    private IJobEvent AfterLastRound(DateTimeOffset now) =>
        WantsCrossSite ? new CrossSiteStarted(Round, now + Spec.RoundDeadline, now) : Completed(now);

    private JobFinished Completed(DateTimeOffset now) => new(JobOutcome.Completed, $"{Spec.Rounds} rounds", now);

    public JobDecision OnCrossSiteScores(CrossSiteEvaluationSubmitted m, DateTimeOffset now)
    {
        if (Check(m.Round, m.SiteId, JobPhase.Scoring, "cross-site score") is { } problem) return problem;
        if (scoring.HasAnswered(m.SiteId)) return JobDecision.Ignore($"duplicate cross-site scores from {m.SiteId} ignored");
        if (ScoresProblem(m) is { } bad) return JobDecision.Refuse(bad);
        var received = new CrossSiteScoresReceived(m.SiteId, m.Scores);
        return new JobDecision(scoring.Complete(Participants, with: m.SiteId) ? [received, .. CloseCrossSite(now, received)] : [received]);
    }

    private JobDecision OnCrossSiteDeclined(RoundDeclined d, DateTimeOffset now)
    {
        if (scoring.HasAnswered(d.SiteId)) return JobDecision.Ignore($"{d.SiteId} already answered the cross-site evaluation");
        var declinedEvent = new CrossSiteDeclined(d.SiteId, string.IsNullOrWhiteSpace(d.Reason) ? "declined" : d.Reason);
        return new JobDecision(scoring.Complete(Participants, with: d.SiteId) ? [declinedEvent, .. CloseCrossSite(now, null, declinedEvent)] : [declinedEvent]);
    }

    /// <summary>Exactly one score per candidate, each in range: a matrix cell is only ever a site's own figure for a model it was sent.</summary>
    private string? ScoresProblem(CrossSiteEvaluationSubmitted m)
    {
        var expected = CrossSiteCandidates().Select(c => c.PersonalOf ?? "").ToHashSet();
        var seen = new HashSet<string>();
        foreach (var score in m.Scores ?? [])
        {
            var name = score?.PersonalOf ?? "";
            if (score is null || !expected.Contains(name)) return $"cross-site scores of {m.SiteId} name a model it was not sent ({(score?.PersonalOf is { } p ? $"personal model of '{p}'" : "null")})";
            if (!seen.Add(name)) return $"cross-site scores of {m.SiteId} score {(name == "" ? "the global model" : $"the personal model of {name}")} twice";
            if (MetricsProblem(score.Metrics) is { } bad) return $"cross-site scores of {m.SiteId}, {(name == "" ? "global model" : $"personal model of {name}")}: {bad}";
        }
        return seen.Count == expected.Count ? null : $"cross-site scores of {m.SiteId} cover {seen.Count} of the {expected.Count} models sent";
    }

    /// <summary>The matrix from whoever answered; each site missing from it is named with the reason.</summary>
    private IReadOnlyList<IJobEvent> CloseCrossSite(DateTimeOffset now, CrossSiteScoresReceived? pending, CrossSiteDeclined? pendingDecline = null,
        IReadOnlyDictionary<string, string>? goneNow = null)
    {
        var scores = scoring.Answers.ToDictionary(p => p.Key, p => p.Value);
        if (pending is not null) scores[pending.SiteId] = pending.Scores;
        var cells = scores.OrderBy(s => s.Key, StringComparer.Ordinal)
            .SelectMany(s => s.Value.Select(score => new CrossSiteCell { PersonalOf = score.PersonalOf, SiteId = s.Key, Metrics = score.Metrics }))
            .OrderBy(c => c.PersonalOf ?? "", StringComparer.Ordinal).ThenBy(c => c.SiteId, StringComparer.Ordinal).ToList();
        var report = new CrossSiteReport
        {
            Cells = cells,
            Withheld = Participants.Where(p => !personalModels.ContainsKey(p)).Select(p => new SiteLeftOut
            {
                SiteId = p,
                Reason = personalWithheld.GetValueOrDefault(p)
                    ?? (personalised.ContainsKey(p) ? "not sent" : "no personal model: the site sent no final evaluation of one"),
            }).ToList(),
            NotScored = Participants.Where(p => !scores.ContainsKey(p)).Select(p => new SiteLeftOut
            {
                SiteId = p,
                Reason = scoring.LeftOutReason(p, pendingDecline is null ? null : (pendingDecline.SiteId, pendingDecline.Reason), GoneReason(p, goneNow),
                    "late: no scores before the deadline"),
            }).ToList(),
            CompletedAt = now,
        };
        return [new CrossSiteClosed(report), Completed(now)];
    }

    private void ApplyCrossSite(IJobEvent e)
    {
        switch (e)
        {
            case EvaluationReceived v:
                if (v.PersonalModel is { } model) personalModels[v.Evaluation.SiteId] = model;
                if (v.PersonalModelWithheld is { } why) personalWithheld[v.Evaluation.SiteId] = why;
                break;
            case CrossSiteStarted s:
                (Phase, Deadline) = (JobPhase.Scoring, s.Deadline);
                gone.Clear();
                Step++;
                break;
            case CrossSiteScoresReceived r:
                scoring.Answer(r.SiteId, r.Scores);
                break;
            case CrossSiteDeclined d:
                scoring.Decline(d.SiteId, d.Reason);
                break;
            case CrossSiteClosed c:
                CrossSite = c.Report;
                personalModels.Clear();
                break;
        }
    }
}
