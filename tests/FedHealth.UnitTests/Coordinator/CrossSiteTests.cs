using FedHealth.Contracts;
using FedHealth.Coordinator.Jobs;
using FedHealth.Learning.Jobs;
using FedHealth.Learning.Models;
using static FedHealth.Tests.Coordinator.JobFixtures;

namespace FedHealth.Tests.Coordinator;

/// <summary>Cross-site evaluation in the job's rules: the phase after a personalised job's last round, its checks and its matrix.</summary>
public sealed class CrossSiteTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
    private static readonly Guid Job = Guid.NewGuid();
    private static readonly string[] Sites = ["A", "B", "C"];
    private static readonly ModelWeights PersonalOfA = new FlatParameters(Layout, [0.5f, -0.5f, 0.25f]).ToWeights();

    private static JobSpec CrossSiteSpec(bool crossSite = true) => Spec(rounds: 1, minSites: 2) with
    {
        Personalisation = new PersonalisationSpec { Method = "finetune", CrossSiteEvaluation = crossSite },
    };

    private static ModelMetrics Metrics(double auc) => new() { Auc = auc, Accuracy = 0.75, Loss = 0.5, Samples = 4 };

    private static CrossSiteEvaluationSubmitted Scores(string site, params (string? Of, double Auc)[] scores) => new()
    {
        JobId = Job, Round = 1, SiteId = site, Scores = scores.Select(s => new CrossSiteScore { PersonalOf = s.Of, Metrics = Metrics(s.Auc) }).ToList(),
    };

    private static void Apply(JobState state, JobDecision decision)
    {
        Assert.Null(decision.Refusal);
        foreach (var e in decision.Events) state.Apply(e);
    }

    /// <summary>One round trained; A shares its personal model, B's policy keeps its own, C has none: the job is now scoring.</summary>
    private static (JobState State, List<IJobEvent> Journal) Scoring()
    {
        var state = new JobState();
        var journal = new List<IJobEvent>();
        void Record(JobDecision d) { Apply(state, d); journal.AddRange(d.Events); }
        var created = JobState.Create(Job, CrossSiteSpec(), Sites, T0);
        foreach (var e in created) state.Apply(e);
        journal.AddRange(created);
        foreach (var site in Sites) Record(state.OnUpdate(Update(Job, 1, site, [1, 1, 1], 10), T0));
        var own = GoodEvaluation(Job, 1, "A").Evaluation;
        Record(state.OnAnswer(GoodEvaluation(Job, 1, "A") with { Personalised = own, PersonalModel = PersonalOfA }, T0));
        Record(state.OnAnswer(GoodEvaluation(Job, 1, "B") with
        {
            Personalised = own with { SiteId = "B" },
            PersonalModelWithheld = "the site policy does not allow sending personalModel",
        }, T0));
        Record(state.OnAnswer(GoodEvaluation(Job, 1, "C"), T0));
        return (state, journal);
    }

    [Fact]
    public void After_the_last_round_every_site_scores_the_global_and_each_shared_personal_model_and_the_gaps_are_named()
    {
        var (state, journal) = Scoring();
        Assert.Equal("scoring", state.Status);
        Assert.Single(state.Rounds);
        // What every site is sent to score.
        var candidates = Assert.IsType<CrossSiteEvaluationRequested>(state.CurrentStep!.Request(state)).Candidates;
        Assert.Equal([null, "A"], candidates.Select(c => c.PersonalOf));
        Assert.Equal(state.GlobalWeights, candidates[0].Weights);
        Assert.Equal(PersonalOfA, candidates[1].Weights);

        Apply(state, state.OnAnswer(Scores("A", (null, 0.70), ("A", 0.80)), T0));
        Apply(state, state.OnDecline(new RoundDeclined { JobId = Job, Round = 1, SiteId = "B", Reason = "busy" }, T0));
        Assert.Equal("scoring", state.Status);
        // C never answers: the deadline closes the matrix with what came.
        var closing = state.OnDeadline(state.Step, T0 + TimeSpan.FromMinutes(2));
        foreach (var e in closing) state.Apply(e);

        Assert.Equal(JobPhase.Completed, state.Phase);
        var report = state.Summary().CrossSite!;
        Assert.Equal([(null, "A", 0.70), ("A", "A", 0.80)], report.Cells.Select(c => (c.PersonalOf, c.SiteId, c.Metrics.Auc)));
        Assert.Equal([("B", "the site policy does not allow sending personalModel"), ("C", "no personal model: the site sent no final evaluation of one")],
            report.Withheld.Select(w => (w.SiteId, w.Reason)));
        Assert.Equal([("B", "busy"), ("C", "late: no scores before the deadline")], report.NotScored.Select(n => (n.SiteId, n.Reason)));

        // The journal rebuilds the same report.
        var replayed = new JobState();
        foreach (var e in journal.Concat(closing)) replayed.Apply(e);
        Assert.Equivalent(report, replayed.Summary().CrossSite);
        Assert.Equal(JobPhase.Completed, replayed.Phase);
    }

    [Fact]
    public void The_matrix_closes_as_soon_as_every_site_answered()
    {
        var (state, _) = Scoring();
        Apply(state, state.OnAnswer(Scores("C", ("A", 0.6), (null, 0.5)), T0));
        Apply(state, state.OnAnswer(Scores("A", (null, 0.7), ("A", 0.8)), T0));
        var again = state.OnAnswer(Scores("A", (null, 0.1), ("A", 0.1)), T0);
        Assert.Empty(again.Events);
        Assert.Contains("duplicate cross-site scores from A", again.Note);
        var last = state.OnAnswer(Scores("B", (null, 0.65), ("A", 0.55)), T0);
        Assert.Contains(last.Events, e => e is JobFinished { Outcome: JobOutcome.Completed });
        Apply(state, last);
        Assert.Equal(6, state.CrossSite!.Cells.Count);
        Assert.Equal(0.8, state.CrossSite.Cells.Single(c => c is { PersonalOf: "A", SiteId: "A" }).Metrics.Auc);
        Assert.Empty(state.CrossSite.NotScored);
        Assert.Contains("is completed, not taking cross-site scores", state.OnAnswer(Scores("B", (null, 0.65), ("A", 0.55)), T0).Refusal);
    }

    [Fact]
    public void Scores_that_do_not_cover_exactly_the_models_sent_or_are_out_of_range_are_refused_with_the_reason()
    {
        var (state, _) = Scoring();
        Assert.Contains("name a model it was not sent (personal model of 'B')", state.OnAnswer(Scores("A", (null, 0.7), ("B", 0.8)), T0).Refusal);
        Assert.Contains("cover 1 of the 2 models sent", state.OnAnswer(Scores("A", (null, 0.7)), T0).Refusal);
        Assert.Contains("score the global model twice", state.OnAnswer(Scores("A", (null, 0.7), (null, 0.7)), T0).Refusal);
        Assert.Contains("personal model of A: has out-of-range metrics (auc 1.5", state.OnAnswer(Scores("A", (null, 0.7), ("A", 1.5)), T0).Refusal);
        Assert.Contains("is not a participant", state.OnAnswer(Scores("Z", (null, 0.7), ("A", 0.8)), T0).Refusal);
        Assert.Contains("too late or out of order", state.OnAnswer(Scores("A", (null, 0.7), ("A", 0.8)) with { Round = 2 }, T0).Refusal);
        Assert.Contains("cover 0 of the 2", state.OnAnswer(Scores("A") with { Scores = null! }, T0).Refusal);
        Assert.Equal("scoring", state.Status);
    }

    [Fact]
    public void A_personal_model_is_refused_when_not_asked_for_or_not_fitting_the_model()
    {
        var plain = new JobState();
        foreach (var e in JobState.Create(Job, CrossSiteSpec(crossSite: false), Sites, T0)) plain.Apply(e);
        foreach (var site in Sites) Apply(plain, plain.OnUpdate(Update(Job, 1, site, [1, 1, 1], 10), T0));
        var own = GoodEvaluation(Job, 1, "A").Evaluation;
        Assert.Contains("sent its personal model, which this job does not ask for",
            plain.OnAnswer(GoodEvaluation(Job, 1, "A") with { Personalised = own, PersonalModel = PersonalOfA }, T0).Refusal);

        var state = new JobState();
        foreach (var e in JobState.Create(Job, CrossSiteSpec(), Sites, T0)) state.Apply(e);
        foreach (var site in Sites) Apply(state, state.OnUpdate(Update(Job, 1, site, [1, 1, 1], 10), T0));
        var wrongShape = new FlatParameters(ParameterLayout.For(new ModelSpec { Kind = "logistic", Features = 3 }), [1, 1, 1, 1]).ToWeights();
        Assert.Contains("personal model of A:",
            state.OnAnswer(GoodEvaluation(Job, 1, "A") with { Personalised = own, PersonalModel = wrongShape }, T0).Refusal);
        Assert.Contains("without its evaluation on its own rows",
            state.OnAnswer(GoodEvaluation(Job, 1, "A") with { PersonalModel = PersonalOfA }, T0).Refusal);
        // Scores before the scoring phase are out of order.
        Assert.Contains("too late or out of order", state.OnAnswer(Scores("A", (null, 0.7)), T0).Refusal);
    }

    [Fact]
    public void A_plain_personalised_job_ends_after_its_last_round_without_a_matrix()
    {
        var state = new JobState();
        foreach (var e in JobState.Create(Job, CrossSiteSpec(crossSite: false), ["A", "B"], T0)) state.Apply(e);
        foreach (var site in new[] { "A", "B" }) Apply(state, state.OnUpdate(Update(Job, 1, site, [1, 1, 1], 10), T0));
        Apply(state, state.OnAnswer(GoodEvaluation(Job, 1, "A"), T0));
        Apply(state, state.OnAnswer(GoodEvaluation(Job, 1, "B"), T0));
        Assert.Equal(JobPhase.Completed, state.Phase);
        Assert.Null(state.Summary().CrossSite);
    }

    [Fact]
    public void Silent_sites_are_named_gone_and_a_paused_scoring_phase_resumes_where_it_stood()
    {
        var (state, _) = Scoring();
        Apply(state, state.OnStop(new StopJob { RequestId = Guid.NewGuid(), JobId = Job, RequestedBy = "lead", Reason = "check" }, T0));
        Assert.Contains("paused", state.OnAnswer(Scores("A", (null, 0.7), ("A", 0.8)), T0).Refusal);
        Apply(state, state.OnResume(new ResumeJob { RequestId = Guid.NewGuid(), JobId = Job, RequestedBy = "lead" }, T0));
        Assert.Equal("scoring", state.Status);
        Apply(state, state.OnAnswer(Scores("A", (null, 0.7), ("A", 0.8)), T0));

        var later = T0 + TimeSpan.FromSeconds(30);
        var closing = state.OnLiveness(new Dictionary<string, DateTimeOffset> { ["A"] = later, ["B"] = T0 - TimeSpan.FromMinutes(5) },
            TimeSpan.FromSeconds(20), later);
        foreach (var e in closing) state.Apply(e);
        Assert.Equal(JobPhase.Completed, state.Phase);
        Assert.Equal(["B", "C"], state.CrossSite!.NotScored.Select(n => n.SiteId));
        Assert.All(state.CrossSite.NotScored, n => Assert.StartsWith("gone:", n.Reason));
    }

    [Fact]
    public void Cross_site_evaluation_is_refused_beside_secure_aggregation_and_site_level_dp()
    {
        string Problems(JobSpec spec) => string.Join(" | ", JobSpecRules.Problems(spec));
        var spec = CrossSiteSpec();
        Assert.Contains("personalisation.crossSiteEvaluation: refused with secureAggregation", Problems(spec with { SecureAggregation = true }));
        Assert.Contains("personalisation.crossSiteEvaluation: refused with siteLevelPrivacy", Problems(spec with
        {
            SiteLevelPrivacy = new SiteLevelDpSettings { NoiseMultiplier = 1, ClipNorm = 1, Delta = 1e-5 },
        }));
        Assert.Empty(JobSpecRules.Problems(spec));
    }
}
