using FedHealth.Contracts;
using FedHealth.Learning.Codec;
using FedHealth.Learning.Data;
using FedHealth.Learning.Models;
using FedHealth.Learning.Strategies;
using FedHealth.Learning.Torch;
using FedHealth.Monitoring;
using FedHealth.Privacy.Accounting;
using FedHealth.Privacy.DifferentialPrivacy;
using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

namespace FedHealth.SiteAgent;

/// <summary>
/// The site's handler for training rounds: admission by the site's policy and privacy budget, local training (DP-SGD,
/// FedProx, SCAFFOLD, site-level noise as the round asks), once per (job, round) whatever the retries, and the update
/// leaving only masked (secure aggregation) or sealed for the consortium's coordinator. Runs under the agent's lock
/// (<paramref name="torchGate"/>), released while it trains so the secure steps of other jobs are not held up.
/// </summary>
public sealed class SiteTrainer(SiteConfig config, DataSchema schema, TrainTestSplit split, Device device, object torchGate, RoundAnswers answers,
    TransferGate gate, SecureParticipation secure, SiteSecurity? security, PrivacyLedgerFile ledger, NoiseSeeds noiseSeeds,
    SitePersonalisation personalisation, SiteControlVariates controlVariates, SiteBatchNorm batchNorm, SiteModels models, ILogger logger)
{
    private string siteId => config.Site.Id;
    private string deviceName => TrainingDevice.Describe(device);

    /// <summary>What the site is doing, for its heartbeat ("idle", or the job and round it is training since when).</summary>
    public volatile string Activity = "idle";

    /// <summary>The site's cumulative ε on its data so far (every job), at its own δ.</summary>
    public PrivacyCost Spent() => RdpAccountant.Epsilon(ledger.Spent(), config.Privacy?.Delta ?? DefaultDelta);

    private const double DefaultDelta = 1e-5;

    /// <summary>
    /// Answers a round: a plain update, or in a secure round the signed key advertisement that starts secure
    /// aggregation (the trained update then only ever leaves masked). Declines, with the reason, what it cannot do.
    /// </summary>
    public ISiteRoundMessage? Train(RoundStarted round)
    {
        lock (torchGate)
        {
            // A broker that comes back may redeliver an earlier attempt's request after a later one: answer only the latest.
            if (!answers.IsLatest(round.JobId, round.Round, round.Attempt)) return null;
            if (SimulatedDropout(round)) return null;
            if (gate.Admit(round) is { } notForUs) return notForUs;
            // A site in a consortium sends its update masked or sealed for the consortium's coordinator, never in the
            // clear: a request that asks for neither is not one that coordinator sends (it seals whenever it holds keys).
            if (security is not null && round.SecureRound is null && round.Sealing is null)
                return gate.Release(models.Decline(round, $"site {siteId} holds consortium keys and sends its update only masked (secure aggregation) or " +
                    "sealed for the consortium's coordinator; this request asks for neither"));
        }
        var local = TrainOnce(round);
        // A decline is kept per round but answers this attempt: with its first attempt's number the job would take it for
        // a stale one redelivered from an earlier attempt, ignore it, and wait for this site until the deadline.
        if (local is RoundDeclined declined) return gate.Release(declined with { Attempt = round.Attempt });
        if (local is not UpdateSubmitted update) return gate.Release(local);
        lock (torchGate)
        {
            if (round.SecureRound is not null) return gate.Release(secure.Advertise(round, update));
            return gate.Release(round.Sealing is not null ? secure.Seal(round, update) : update);
        }
    }

    /// <summary>Trains one round from the global weights, once per (job, round) whatever the retries.</summary>
    private ISiteRoundMessage TrainOnce(RoundStarted round)
    {
        if (round.Schema != schema.Name || !round.FeatureNames.SequenceEqual(schema.FeatureNames))
            return models.Decline(round, $"site {siteId} holds schema '{schema.Name}' ({string.Join(", ", schema.FeatureNames)}), the job asks for " +
                $"'{round.Schema}' ({string.Join(", ", round.FeatureNames)})");
        if (SiteModels.TaskProblem(round.Model, split.Train) is { } wrongTask) return models.Decline(round, wrongTask);
        lock (torchGate)
        {
            if (answers.TryGet(round.JobId, round.Round, out var earlier)) return earlier;
            // A site bounds what it is asked to do itself, whoever asked: a schedule past the bound would train for good.
            if (round.Privacy is { } asked && DpSgdSchedule.Problem(round.Training, asked) is { } unbounded)
                return Remember(round, models.Decline(round, unbounded));
            if (PrivacyRefusal(round) is { } refusal) return Remember(round, refusal);
            using var scope = NewDisposeScope();
            var localBatchNorm = round.LocalBatchNorm;
            if (models.Load(round.Model, round.GlobalWeights, round, out var model,
                localBatchNorm is null ? null : global => batchNorm.Localise(round.JobId, localBatchNorm, global)) is { } problem) return problem;
            var layout = ParameterLayout.For(round.Model);
            if (ReadServerControl(round, layout, out var serverControl) is { } badControl) return badControl;
            var seed = RoundSeed(round.Seed, round.Round);
            LocalTrainingResult result;
            PrivacySpent? spent = null;
            Activity = $"training job {round.JobId} round {round.Round} since {DateTimeOffset.UtcNow:HH:mm:ss}";
            using var overtime = new CancellationTokenSource(TrainingAllowance(round, DateTimeOffset.UtcNow));
            try
            {
                if (round.Privacy is { } dp)
                {
                    // DP noise must be unpredictable to everyone but this site: seeded from the site's own secret, never the job's seed.
                    var trained = DpSgdTrainer.Train(model!, split.Train, round.Training, dp, noiseSeeds.SeedFor(round.JobId, round.Round, "dp-sgd"),
                        device, overtime.Token);
                    if (trained.PerRowFallback is { } slow)
                        logger.LogWarning("site {Site}: job {Job} round {Round}: DP-SGD took one backward pass per row: {Reason}", siteId, round.JobId,
                            round.Round, slow);
                    // Recorded before the update leaves: a crash after sending must not forget the spend.
                    ledger.Append(new LedgerEntry(round.JobId, round.Round, dp.SamplingRate, dp.NoiseMultiplier, trained.Steps, DateTimeOffset.UtcNow));
                    var cost = Spent();
                    spent = new PrivacySpent
                    {
                        SiteId = siteId, Epsilon = cost.Epsilon, Delta = cost.Delta,
                        Budget = config.Privacy?.EpsilonBudget ?? double.PositiveInfinity
                    };
                    result = trained.Training;
                }
                else
                {
                    using var control = serverControl is null ? null
                        : ControlVariates.For(model!, ScaffoldControl.Correction(serverControl, controlVariates.For(round.JobId, layout.TotalCount)), device);
                    result = LocalTrainer.Train(model!, split.Train, round.Training, seed, device, overtime.Token, control: control);
                }
                personalisation.AfterTraining(round, seed + 1);
            }
            catch (OperationCanceledException) when (overtime.IsCancellationRequested)
            {
                // Nothing leaves: no update was made. Not remembered, so a retried attempt with a later deadline trains again.
                return models.Decline(round,
                    $"training ran past the round's deadline ({round.Deadline:HH:mm:ss} UTC) and the grace after it, and was stopped; nothing was sent");
            }
            finally { Activity = "idle"; }
            var trainedWeights = ModelParameters.Read(model!, layout);
            // FedBN: the batch-norm values stay here; the update carries the global model's in their place.
            if (localBatchNorm is not null)
                trainedWeights = batchNorm.AfterTraining(round.JobId, localBatchNorm, FlatParameters.FromWeights(layout, round.GlobalWeights), trainedWeights);
            var sampleCount = result.Samples;
            // SCAFFOLD: cᵢ⁺ = cᵢ − c + (x − y)/(Kη) from the global model x to the trained y after K steps; Δcᵢ travels with y.
            var controlDelta = serverControl is null ? null : ScaffoldControl.Encode(controlVariates.AfterTraining(round.JobId, serverControl,
                FlatParameters.FromWeights(layout, round.GlobalWeights).Values, trainedWeights.Values, result.Steps, round.Training.LearningRate));
            if (round.SiteLevelPrivacy is { } siteDp)
            {
                var global = FlatParameters.FromWeights(layout, round.GlobalWeights).Values;
                var noisy = SiteLevelNoise.Apply(global, trainedWeights.Values, siteDp, round.Participants.Count,
                    new Random(noiseSeeds.SeedFor(round.JobId, round.Round, "site-level")));
                trainedWeights = new FlatParameters(layout, noisy);
                sampleCount = 1; // equal weights: a row count would change what one site can move the average by
            }
            var weights = trainedWeights.ToWeights();
            FederationMetrics.Trained(siteId, TimeSpan.FromSeconds(result.Seconds));
            if (spent is not null) FederationMetrics.Epsilon(round.JobId, siteId, spent.Epsilon);
            logger.LogInformation("site {Site}: job {Job} round {Round}: trained on {Rows} rows, loss {Loss:F4}, {Seconds:F2}s on {Device}{Privacy}",
                siteId, round.JobId, round.Round, result.Samples, result.TrainLoss, result.Seconds, deviceName,
                spent is null ? "" : $", ε spent {spent.Epsilon:F3} of {spent.Budget} (δ={spent.Delta})");
            return Remember(round, new UpdateSubmitted
            {
                JobId = round.JobId, Round = round.Round, SiteId = siteId, SampleCount = sampleCount, Weights = weights,
                TrainLoss = result.TrainLoss, Device = deviceName, TrainSeconds = result.Seconds, Privacy = spent, ControlDelta = controlDelta,
            });
        }
    }

    /// <summary>
    /// How long this round's training may run: to the round's deadline and one more window beyond it (the coordinator
    /// may extend a step after an outage), and at least <see cref="MinTrainingAllowance"/> (a request delivered late, after
    /// its deadline, still gets a fair try). A round asked of a site never holds it for good.
    /// </summary>
    public static TimeSpan TrainingAllowance(RoundStarted round, DateTimeOffset now)
    {
        var twoWindows = 2 * (round.Deadline - now);
        return twoWindows > MinTrainingAllowance ? twoWindows : MinTrainingAllowance;
    }

    public static readonly TimeSpan MinTrainingAllowance = TimeSpan.FromMinutes(10);

    private ISiteRoundMessage Remember(RoundStarted round, ISiteRoundMessage answer) => answers.Remember(round.JobId, round.Round, answer);

    /// <summary>The site's own privacy policy: a budget requires DP-SGD, and no round may take the site past it.</summary>
    private RoundDeclined? PrivacyRefusal(RoundStarted round)
    {
        if (config.Privacy is not { } budget) return null;
        if (round.Privacy is not { } dp)
            return models.Decline(round, $"site {siteId} has a differential-privacy budget (ε ≤ {budget.EpsilonBudget}) and takes part only in DP-SGD " +
                "jobs; this job trains without DP");
        var next = new GaussianSteps(dp.SamplingRate, dp.NoiseMultiplier, DpSgdTrainer.StepsFor(round.Training, dp));
        var (allowed, before, after) = BudgetCheck.Evaluate(new PrivacyBudget(budget.EpsilonBudget, budget.Delta), ledger.Spent(), next);
        if (allowed) return null;
        return models.Decline(round, $"privacy budget: this round would raise ε from {before.Epsilon:F3} to {after.Epsilon:F3}, over the site's budget of " +
            $"{budget.EpsilonBudget} (δ={budget.Delta})") with
        { BudgetExhausted = true };
    }

    /// <summary>
    /// SCAFFOLD's server control c, when the round carries one (the sign that the job runs SCAFFOLD): it must fit the
    /// model, and the round must not also ask for DP or secure aggregation, whose protection the control delta would bypass.
    /// </summary>
    private RoundDeclined? ReadServerControl(RoundStarted round, ParameterLayout layout, out float[]? serverControl)
    {
        serverControl = null;
        if (round.ServerControl is not { } sent) return null;
        if (round.Privacy is not null || round.SiteLevelPrivacy is not null || round.SecureRound is not null)
            return models.Decline(round, "SCAFFOLD's control variates are refused beside record-level DP, site-level DP or secure aggregation: the control " +
                "delta would leave outside their protection");
        try { serverControl = ScaffoldControl.Decode(sent, layout.TotalCount); }
        catch (InvalidPayloadException e) { return models.Decline(round, $"server control variate refused: {e.Message}"); }
        return null;
    }

    /// <summary>Soak/chaos runs only: ignore this round attempt entirely, as a site that crashed would.</summary>
    private bool SimulatedDropout(RoundStarted round)
    {
        if (config.Training.SimulatedDropoutRate <= 0) return false;
        var dropped = new Random(RoundSeed(round.Seed * 31 + round.Attempt, round.Round)).NextDouble() < config.Training.SimulatedDropoutRate;
        if (dropped) logger.LogWarning("site {Site}: simulating a dropout in job {Job} round {Round} attempt {Attempt}", siteId, round.JobId,
            round.Round, round.Attempt);
        return dropped;
    }

    /// <summary>A per-site, per-round seed that is stable across processes (string.GetHashCode is not).</summary>
    private int RoundSeed(int jobSeed, int round)
    {
        unchecked
        {
            var h = 2166136261u;
            foreach (var c in $"{jobSeed}/{round}/{siteId}") h = (h ^ c) * 16777619u;
            return (int)(h & 0x7fffffff);
        }
    }
}
