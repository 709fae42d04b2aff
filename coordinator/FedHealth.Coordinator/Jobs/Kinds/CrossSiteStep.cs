using FedHealth.Contracts;

namespace FedHealth.Coordinator.Jobs.Kinds;

/// <summary>
/// Training's cross-site step, after a personalised job's last round when it asks for one: the final global model and
/// the personal models the sites shared with their last evaluation go to every site, and each scores them all on its
/// held-out rows. The fold is the job report's matrix, with the reason for each gap; then the job completes.
/// </summary>
public sealed class CrossSiteStep(TrainingKind training) : IAnswerStep
{
    public string Status => "scoring";
    public string Name => "cross-site scores";
    public string Late => "late: no scores before the deadline";

    public IRoundMessage Request(JobState job) => new CrossSiteEvaluationRequested
    {
        JobId = job.JobId, Round = job.Round, Model = job.Spec.Model!, Candidates = training.CrossSiteCandidates(job),
        Participants = job.Participants, Deadline = job.Deadline,
    };

    public bool Takes(ISiteRoundMessage message) => message is CrossSiteEvaluationSubmitted;

    public StepVerdict Judge(JobState job, ISiteRoundMessage answer)
    {
        var m = (CrossSiteEvaluationSubmitted)answer;
        return ScoresProblem(job, m) is { } bad ? StepVerdict.Refuse(bad) : StepVerdict.Accept(new CrossSiteScoresReceived(m.SiteId, m.Scores));
    }

    public IJobEvent Declined(int round, string siteId, string reason) => new CrossSiteDeclined(siteId, reason);

    /// <summary>Exactly one score per candidate, each in range: a matrix cell is only ever a site's own figure for a model it was sent.</summary>
    private string? ScoresProblem(JobState job, CrossSiteEvaluationSubmitted m)
    {
        var expected = training.CrossSiteCandidates(job).Select(c => c.PersonalOf ?? "").ToHashSet();
        var seen = new HashSet<string>();
        foreach (var score in m.Scores ?? [])
        {
            var name = score?.PersonalOf ?? "";
            if (score is null || !expected.Contains(name))
                return $"cross-site scores of {m.SiteId} name a model it was not sent ({(score?.PersonalOf is { } p ? $"personal model of '{p}'" : "null")})";
            var model = name == "" ? "the global model" : $"the personal model of {name}";
            if (!seen.Add(name)) return $"cross-site scores of {m.SiteId} score {model} twice";
            if (EvaluationStep.MetricsProblem(score.Metrics, EvaluationStep.TaskOf(job), job.Spec.Model?.Classes) is { } bad)
                return $"cross-site scores of {m.SiteId}, {model}: {bad}";
        }
        return seen.Count == expected.Count ? null : $"cross-site scores of {m.SiteId} cover {seen.Count} of the {expected.Count} models sent";
    }

    /// <summary>The matrix from whoever answered; each site missing from it is named with the reason.</summary>
    public IReadOnlyList<IJobEvent> Close(JobState job, StepAnswers answers, DateTimeOffset now)
    {
        var cells = answers.Answers.OfType<CrossSiteScoresReceived>()
            .SelectMany(s => s.Scores.Select(score => new CrossSiteCell { PersonalOf = score.PersonalOf, SiteId = s.SiteId, Metrics = score.Metrics }))
            .OrderBy(c => c.PersonalOf ?? "", StringComparer.Ordinal).ThenBy(c => c.SiteId, StringComparer.Ordinal).ToList();
        var report = new CrossSiteReport { Cells = cells, Withheld = training.Withheld(job), NotScored = answers.Missing, CompletedAt = now };
        return [new CrossSiteClosed(report), TrainingKind.Completed(job, now)];
    }
}
