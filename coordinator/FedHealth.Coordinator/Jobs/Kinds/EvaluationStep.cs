using FedHealth.Contracts;
using FedHealth.Learning.Metrics;

namespace FedHealth.Coordinator.Jobs.Kinds;

/// <summary>
/// Training's evaluation step, after each round's aggregation: every site scores the new global model on its held-out
/// rows (and, in a personalised job's last round, its personal model, which it may share for cross-site scoring). Only
/// figures come back. The fold pools them into the round's summary and opens the next round, or what follows the last.
/// </summary>
public sealed class EvaluationStep(TrainingKind training) : IAnswerStep
{
    public string Status => "evaluating";
    public string Name => "evaluation";
    public string Late => "late: no evaluation before the deadline";

    public IRoundMessage Request(JobState job) => new EvaluationRequested
    {
        JobId = job.JobId, Round = job.Round, Model = job.Spec.Model!, GlobalWeights = job.GlobalWeights, Participants = job.Participants,
        Deadline = job.Deadline, Personalisation = job.Spec.Personalisation, Final = job.Round >= job.Spec.Rounds, Training = job.Spec.Training,
        LocalBatchNorm = job.Spec.Strategy.LocalBatchNorm,
    };

    public bool Takes(ISiteRoundMessage message) => message is EvaluationSubmitted;

    public StepVerdict Judge(JobState job, ISiteRoundMessage answer)
    {
        var e = (EvaluationSubmitted)answer;
        var task = TaskOf(job);
        if (Problem(e.Evaluation, e.SiteId, task, job.Spec.Model?.Classes) is { } bad) return StepVerdict.Refuse(bad);
        var spec = job.Spec;
        if (e.Personalised is not null && (spec.Personalisation is null || job.Round < spec.Rounds))
            return StepVerdict.Refuse($"{e.SiteId} sent a personal model's evaluation, which this job" +
                (spec.Personalisation is null ? " does not ask for" : $" asks for only in round {spec.Rounds}"));
        if (e.Personalised is { } personal && Problem(personal, e.SiteId, task, job.Spec.Model?.Classes) is { } badPersonal)
            return StepVerdict.Refuse($"personalised {badPersonal}");
        if (training.PersonalModelProblem(job, e) is { } badModel) return StepVerdict.Refuse(badModel);
        var withheld = e.PersonalModelWithheld is { } why && TrainingKind.WantsCrossSite(spec) ? Truncate(why, 500) : null;
        return StepVerdict.Accept(new EvaluationReceived(e.Round, e.Evaluation, e.Personalised, e.PersonalModel, withheld));
    }

    public IJobEvent Declined(int round, string siteId, string reason) => new EvaluationDeclined(round, siteId, reason);

    /// <summary>The round's figures from whoever evaluated, then the next round (or what follows the last).</summary>
    public IReadOnlyList<IJobEvent> Close(JobState job, StepAnswers answers, DateTimeOffset now)
    {
        var received = answers.Answers.OfType<EvaluationReceived>().ToList();
        var evaluated = received.Select(v => v.Evaluation).ToList();
        var aggregation = job.Aggregation ?? throw new InvalidOperationException($"job {job.JobId}: round {job.Round} is evaluated before it was aggregated");
        var spec = job.Spec;
        var summary = new RoundCompleted
        {
            JobId = job.JobId, JobName = spec.Name, Round = job.Round, TotalRounds = spec.Rounds,
            Contributors = aggregation.Contributors, LeftOut = aggregation.LeftOut,
            Global = evaluated.Count > 0 ? TaskMetrics.Pool(TaskOf(job), evaluated) : null, Sites = evaluated,
            Personalised = received.Select(v => v.Personalised).OfType<SiteEvaluation>().ToList(),
            SubgroupGaps = SubgroupScores.Gaps(evaluated, TaskOf(job)),
            TrainLoss = aggregation.TrainLoss,
            SiteLevelEpsilon = spec.SiteLevelPrivacy is { } siteDp
                ? FedHealth.Privacy.DifferentialPrivacy.SiteLevelNoise.Epsilon(siteDp, job.Round).Epsilon : null,
            Privacy = aggregation.Contributors.Select(c => job.RoundPrivacy.GetValueOrDefault(c)).OfType<PrivacySpent>().ToList(),
            Seconds = (now - job.RoundOpenedAt).TotalSeconds, CompletedAt = now,
        };
        return [new RoundClosed(summary), job.Round >= spec.Rounds ? training.AfterLastRound(job, now) : job.NextRound(now)];
    }

    /// <summary>
    /// Figures a site may send: samples, a finite loss, accuracy and AUC in range (an AUC may be NaN: one class only), and the
    /// task's own figures as <see cref="TaskMetrics.Problem"/> checks them (<paramref name="classes"/>: the job's, for multiclass).
    /// </summary>
    internal static string? MetricsProblem(ModelMetrics? m, string task, int? classes = null)
    {
        if (m is null) return "has no metrics";
        if (m.Samples < 1) return $"has {m.Samples} samples";
        // Survival and regression have no threshold, so no accuracy: NaN there, a share everywhere else.
        var accuracyFits = task is ModelTasks.Survival or ModelTasks.Regression ? double.IsNaN(m.Accuracy) : m.Accuracy is >= 0 and <= 1;
        // Multiclass and regression carry their figures in their own records: the binary AUC field stays empty (NaN).
        var aucFits = task is ModelTasks.Multiclass or ModelTasks.Regression ? double.IsNaN(m.Auc) : double.IsNaN(m.Auc) || m.Auc is >= 0 and <= 1;
        if (!double.IsFinite(m.Loss) || !accuracyFits || !aucFits)
            return $"has out-of-range metrics (auc {m.Auc}, accuracy {m.Accuracy}, loss {m.Loss})";
        if (task is ModelTasks.Multiclass or ModelTasks.Regression && TaskMetrics.Problem(task, m, null, "", classes) is { } bad) return bad;
        return null;
    }

    /// <summary>What the job's model predicts (binary unless its spec says otherwise).</summary>
    internal static string TaskOf(JobState job) => job.Spec.Model?.Task ?? ModelTasks.Binary;

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length] + "…";

    private static string? Problem(SiteEvaluation e, string siteId, string task, int? classes)
    {
        if (e.SiteId != siteId) return $"evaluation names site '{e.SiteId}' but was sent by '{siteId}'";
        var m = e.Metrics;
        if (MetricsProblem(m, task, classes) is { } badMetrics)
            return badMetrics.StartsWith("has ", StringComparison.Ordinal) ? $"evaluation of {siteId} {badMetrics}" : $"evaluation of {siteId}: {badMetrics}";
        if (TaskMetrics.Problem(task, m, e.Concordance, $"evaluation of {siteId}", classes) is { } badTask) return badTask;
        if (HistogramProblem(e, task, classes) is { } badHistogram) return $"evaluation of {siteId}: {badHistogram}";
        foreach (var attribute in (e.Subgroups ?? []).GroupBy(s => s.Subgroup))
        {
            if (attribute.Sum(s => (long)s.Samples) != m.Samples || attribute.Any(s => s.Samples < 0))
                return $"evaluation of {siteId}: the groups of subgroup '{attribute.Key}' do not add up to its {m.Samples} samples";
            if (attribute.FirstOrDefault(s => s.Auc is { } auc && (!(auc is >= 0 and <= 1) || s.Samples < 2 * SubgroupMetrics.MinRows)) is { } bad)
                return $"evaluation of {siteId}: subgroup '{attribute.Key}' group '{bad.Group}' has AUC {bad.Auc} on {bad.Samples} rows " +
                    $"(scored groups need {SubgroupMetrics.MinRows}+ rows of each class and an AUC in [0, 1])";
            if (attribute.FirstOrDefault(s => SubgroupScoreProblem(s, task) is not null) is { } wrong)
                return $"evaluation of {siteId}: subgroup '{attribute.Key}' group '{wrong.Group}' {SubgroupScoreProblem(wrong, task)}";
        }
        return null;
    }

    /// <summary>Binary and survival send one score histogram; multiclass one per class; regression none (its moments are its figures).</summary>
    private static string? HistogramProblem(SiteEvaluation e, string task, int? classes) => task switch
    {
        ModelTasks.Multiclass => e.Histogram is not null ? "a multiclass evaluation carries classHistograms, not histogram"
            : MulticlassCheck.HistogramsProblem(e.ClassHistograms, e.Metrics, classes ?? 0),
        ModelTasks.Regression => e.Histogram is not null || e.ClassHistograms is not null ? "a regression evaluation carries no score histogram" : null,
        _ => e.ClassHistograms is not null ? $"a {task} evaluation carries no classHistograms" : ScoreHistogramCheck.Problem(e.Histogram, e.Metrics.Samples),
    };

    /// <summary>A subgroup's score: only for multiclass (an accuracy) and regression (an RMSE), only for groups of 2 × MinRows+ rows.</summary>
    private static string? SubgroupScoreProblem(SubgroupMetrics s, string task)
    {
        var ownRecord = task is ModelTasks.Multiclass or ModelTasks.Regression;
        if (ownRecord && s.Auc is not null) return $"has an AUC {s.Auc}, which a {task} job does not ask for";
        if (s.Score is not { } score) return null;
        if (!ownRecord) return $"has a score {score}, which a {task} job does not ask for (its AUC is its figure)";
        if (s.Samples < 2 * SubgroupMetrics.MinRows) return $"has a score on {s.Samples} rows (scored groups need {2 * SubgroupMetrics.MinRows}+ rows)";
        var fits = task == ModelTasks.Multiclass ? score is >= 0 and <= 1 : double.IsFinite(score) && score >= 0;
        return fits ? null : $"has score {score}, out of range for {(task == ModelTasks.Multiclass ? "an accuracy" : "an RMSE")}";
    }
}
