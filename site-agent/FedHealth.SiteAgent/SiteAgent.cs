using FedHealth.Contracts;
using FedHealth.Learning.Codec;
using FedHealth.Learning.Data;
using FedHealth.Learning.Models;
using FedHealth.Learning.Strategies;
using FedHealth.Learning.Torch;
using FedHealth.Messaging;
using FedHealth.Privacy.Accounting;
using FedHealth.Privacy.DifferentialPrivacy;
using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

namespace FedHealth.Sites;

/// <summary>
/// One hospital's agent: its data (loaded and split locally, never sent), its device, and what it answers to a
/// round. Training and evaluation run synchronously on the caller's thread (TorchSharp's scopes are thread-bound).
/// </summary>
public sealed class SiteAgent
{
    private readonly ILogger logger;
    private readonly object torchGate = new();
    private readonly RoundAnswers answers = new();
    private readonly PrivacyLedgerFile ledger;
    private readonly SecureParticipation secure;
    private readonly NoiseSeeds noiseSeeds;
    private readonly SitePersonalisation personalisation;
    private readonly SiteControlVariates controlVariates = new();
    // One handler per kind of task behind the consumer; training is still the agent's own (Train below).
    private readonly SiteCounting counting;
    private readonly SiteScoring scoring;
    private readonly SiteModels models;
    private volatile string activity = "idle";
    private readonly SiteSecurity? security;
    /// <summary>The site's signing key and the consortium file, when it has them (every message it sends is then signed).</summary>
    public SiteSecurity? Security => security;
    /// <summary>Everything kept in memory per job: forgotten together when the job ends, and reported together.</summary>
    private readonly IReadOnlyList<IJobState> perJob;

    public SiteConfig Config { get; }
    public DataSchema Schema { get; }
    public TrainTestSplit Split { get; }
    public Device Device { get; }
    public string Id => Config.Site.Id;
    /// <summary>The site's own folder: audit log, privacy ledger, noise secret, spooled slices of large messages.</summary>
    public string StateDir { get; }
    public string DeviceName => TrainingDevice.Describe(Device);

    private SiteAgent(SiteConfig config, DataSchema schema, TrainTestSplit split, Device device, SiteSecurity? security, ILogger logger)
    {
        (Config, Schema, Split, Device, this.logger, this.security) = (config, schema, split, device, logger, security);
        secure = new SecureParticipation(config.Site.Id, security, config.MinParticipants, logger);
        StateDir = config.StateDir ?? Path.Combine(Path.GetTempPath(), "fedhealth", config.Site.Id);
        Audit = new AuditLog(Path.Combine(StateDir, "audit.jsonl"));
        Gate = new TransferGate(config.Site.Id, config.Site.Jurisdiction, config.Policy, Audit, logger);
        noiseSeeds = new NoiseSeeds(Path.Combine(StateDir, "noise-secret.bin"));
        ledger = new PrivacyLedgerFile(Path.Combine(StateDir, "privacy-ledger.json"));
        personalisation = new SitePersonalisation(Id, Split, Device, StateDir);
        models = new SiteModels(config.Site.Id, logger);
        counting = new SiteCounting(config.Site.Id, schema, split, answers, Gate, secure, logger);
        scoring = new SiteScoring(config.Site.Id, split, device, Gate, personalisation, controlVariates, models, logger);
        perJob = [answers, personalisation, controlVariates, secure, Gate];
    }

    /// <summary>The site's cumulative ε on its data so far (every job), at its own δ.</summary>
    public PrivacyCost PrivacySpent() => RdpAccountant.Epsilon(ledger.Spent(), Config.Privacy?.Delta ?? DefaultDelta);

    private const double DefaultDelta = 1e-5;

    /// <summary>Loads the site's schema and data and picks its device; any problem stops the site with a clear message.</summary>
    public static SiteAgent Start(SiteConfig config, ILogger logger, SiteSecurity? security = null)
    {
        security ??= SiteSecurity.Load(config);
        var (schema, split) = SiteData.Load(config.Data);
        var device = config.Training.Device switch
        {
            "cpu" => CPU,
            "cuda" when cuda.is_available() => CUDA,
            "cuda" => throw new InvalidOperationException($"site {config.Site.Id}: training.device is cuda but no CUDA device is available"),
            _ => TrainingDevice.Best(),
        };
        logger.LogInformation("site {Site} ({Jurisdiction}{Simulated}): {Train} training and {Test} held-out rows of schema {Schema}, training on {Device}",
            config.Site.Id, config.Site.Jurisdiction, config.Site.Simulated ? ", simulated" : "", split.Train.Rows, split.Test.Rows, schema.Name, TrainingDevice.Describe(device));
        return new SiteAgent(config, schema, split, device, security, logger);
    }

    /// <summary>This site's heartbeat, signed when it holds consortium keys (a coordinator that holds them refuses it unsigned).</summary>
    public SiteHeartbeat Heartbeat(DateTimeOffset now)
    {
        var unsigned = UnsignedHeartbeat(now);
        return security is null ? unsigned : unsigned with { Signature = security.Identity.Sign(FedHealth.Privacy.Crypto.SignedMessage.Digest(unsigned)) };
    }

    private SiteHeartbeat UnsignedHeartbeat(DateTimeOffset now) => new()
    {
        SiteId = Id, Jurisdiction = Config.Site.Jurisdiction, Schema = Schema.Name, FeatureNames = Schema.FeatureNames,
        TrainSamples = Split.Train.Rows, TestSamples = Split.Test.Rows, Device = DeviceName, Simulated = Config.Site.Simulated,
        Description = Config.Site.Description, SentAt = now, Activity = activity, ConsortiumVersion = security?.Trust.Version ?? 0,
        Policy = Config.Policy is { } p ? new PolicySummary
        {
            Destinations = p.Destinations.Select(d => new PolicyDestination { Jurisdiction = d.Jurisdiction, LegalBasis = d.LegalBasis }).ToList(),
            DataKinds = p.DataKinds, Consortia = p.Consortia,
        } : null,
    };

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
            if (Gate.Admit(round) is { } notForUs) return notForUs;
            // A site in a consortium sends its update masked or sealed for the consortium's coordinator, never in the
            // clear: a request that asks for neither is not one that coordinator sends (it seals whenever it holds keys).
            if (security is not null && round.SecureRound is null && round.Sealing is null)
                return Gate.Release(Decline(round, $"site {Id} holds consortium keys and sends its update only masked (secure aggregation) or sealed for the consortium's coordinator; this request asks for neither"));
        }
        var local = TrainOnce(round);
        // A decline is kept per round but answers this attempt: with its first attempt's number the job would take it for
        // a stale one redelivered from an earlier attempt, ignore it, and wait for this site until the deadline.
        if (local is RoundDeclined declined) return Gate.Release(declined with { Attempt = round.Attempt });
        if (local is not UpdateSubmitted update) return Gate.Release(local);
        lock (torchGate)
        {
            if (round.SecureRound is not null) return Gate.Release(secure.Advertise(round, update));
            return Gate.Release(round.Sealing is not null ? secure.Seal(round, update) : update);
        }
    }

    /// <summary>A label-counts job: this site's rows per label, sent only masked (see <see cref="SiteCounting"/>).</summary>
    public ISiteRoundMessage? Count(CountRequested request)
    {
        lock (torchGate) return counting.Handle(request);
    }

    public ISiteRoundMessage? OnKeysCollected(MaskingKeysCollected message) => Step(message, () => secure.OnKeysCollected(message));
    public ISiteRoundMessage? OnSharesRelayed(SharesRelayed message) => Step(message, () => secure.OnSharesRelayed(message));
    public ISiteRoundMessage? OnUnmaskingRequested(UnmaskingRequested message) => Step(message, () => secure.OnUnmaskingRequested(message));

    /// <summary>Every outbound message passes the site's transfer policy; everything in and out goes to its audit log.</summary>
    public TransferGate Gate { get; }
    public AuditLog Audit { get; }

    private ISiteRoundMessage? Step(IRoundMessage message, Func<ISiteRoundMessage?> next)
    {
        lock (torchGate)
        {
            if (next() is not { } answer) return null;
            Gate.Received(message);
            return Gate.Release(answer);
        }
    }

    /// <summary>Trains one round from the global weights, once per (job, round) whatever the retries.</summary>
    private ISiteRoundMessage TrainOnce(RoundStarted round)
    {
        if (round.Schema != Schema.Name || !round.FeatureNames.SequenceEqual(Schema.FeatureNames))
            return Decline(round, $"site {Id} holds schema '{Schema.Name}' ({string.Join(", ", Schema.FeatureNames)}), the job asks for '{round.Schema}' ({string.Join(", ", round.FeatureNames)})");
        lock (torchGate)
        {
            if (answers.TryGet(round.JobId, round.Round, out var earlier)) return earlier;
            // A site bounds what it is asked to do itself, whoever asked: a schedule past the bound would train for good.
            if (round.Privacy is { } asked && DpSgdSchedule.Problem(round.Training, asked) is { } unbounded) return Remember(round, Decline(round, unbounded));
            if (PrivacyRefusal(round) is { } refusal) return Remember(round, refusal);
            using var scope = NewDisposeScope();
            if (Load(round.Model, round.GlobalWeights, round, out var model) is { } problem) return problem;
            var layout = ParameterLayout.For(round.Model);
            if (ReadServerControl(round, layout, out var serverControl) is { } badControl) return badControl;
            var seed = RoundSeed(round.Seed, round.Round);
            LocalTrainingResult result;
            PrivacySpent? spent = null;
            activity = $"training job {round.JobId} round {round.Round} since {DateTimeOffset.UtcNow:HH:mm:ss}";
            using var overtime = new CancellationTokenSource(TrainingAllowance(round, DateTimeOffset.UtcNow));
            try
            {
                if (round.Privacy is { } dp)
                {
                    // DP noise must be unpredictable to everyone but this site: seeded from the site's own secret, never the job's seed.
                    var trained = DpSgdTrainer.Train(model!, Split.Train, round.Training, dp, noiseSeeds.SeedFor(round.JobId, round.Round, "dp-sgd"), Device, overtime.Token);
                    // Recorded before the update leaves: a crash after sending must not forget the spend.
                    ledger.Append(new LedgerEntry(round.JobId, round.Round, dp.SamplingRate, dp.NoiseMultiplier, trained.Steps, DateTimeOffset.UtcNow));
                    var cost = PrivacySpent();
                    spent = new PrivacySpent { SiteId = Id, Epsilon = cost.Epsilon, Delta = cost.Delta, Budget = Config.Privacy?.EpsilonBudget ?? double.PositiveInfinity };
                    result = trained.Training;
                }
                else
                {
                    using var control = serverControl is null ? null
                        : ControlVariates.For(model!, ScaffoldControl.Correction(serverControl, controlVariates.For(round.JobId, layout.TotalCount)), Device);
                    result = LocalTrainer.Train(model!, Split.Train, round.Training, seed, Device, overtime.Token, control: control);
                }
                personalisation.AfterTraining(round, seed + 1);
            }
            catch (OperationCanceledException) when (overtime.IsCancellationRequested)
            {
                // Nothing leaves: no update was made. Not remembered, so a retried attempt with a later deadline trains again.
                return Decline(round, $"training ran past the round's deadline ({round.Deadline:HH:mm:ss} UTC) and the grace after it, and was stopped; nothing was sent");
            }
            finally { activity = "idle"; }
            var trainedWeights = ModelParameters.Read(model!, layout);
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
            logger.LogInformation("site {Site}: job {Job} round {Round}: trained on {Rows} rows, loss {Loss:F4}, {Seconds:F2}s on {Device}{Privacy}",
                Id, round.JobId, round.Round, result.Samples, result.TrainLoss, result.Seconds, DeviceName,
                spent is null ? "" : $", ε spent {spent.Epsilon:F3} of {spent.Budget} (δ={spent.Delta})");
            return Remember(round, new UpdateSubmitted
            {
                JobId = round.JobId, Round = round.Round, SiteId = Id, SampleCount = sampleCount, Weights = weights,
                TrainLoss = result.TrainLoss, Device = DeviceName, TrainSeconds = result.Seconds, Privacy = spent, ControlDelta = controlDelta,
            });
        }
    }

    /// <summary>A round's evaluation of the global model on the held-out rows (see <see cref="SiteScoring"/>).</summary>
    public ISiteRoundMessage? Evaluate(EvaluationRequested request)
    {
        lock (torchGate) return scoring.Evaluate(request);
    }

    /// <summary>Cross-site scoring of every final model (see <see cref="SiteScoring"/>).</summary>
    public ISiteRoundMessage? CrossEvaluate(CrossSiteEvaluationRequested request)
    {
        lock (torchGate) return scoring.CrossEvaluate(request);
    }

    /// <summary>
    /// The coordinator says the job has ended: everything kept in memory for it goes (a long-lived agent serves many
    /// jobs, and one that failed or was stopped never reaches the final evaluation that frees the rest).
    /// </summary>
    public void Forget(JobClosed closed)
    {
        lock (torchGate)
        {
            Gate.Received(closed);
            foreach (var state in perJob) state.Forget(closed.JobId);
            logger.LogInformation("site {Site}: job {Job} {Outcome} in round {Round}; what this site kept for it in memory is released", Id, closed.JobId, closed.Outcome, closed.Round);
        }
    }

    /// <summary>Whether the agent still keeps anything in memory for the job.</summary>
    public bool HoldsStateFor(Guid jobId)
    {
        lock (torchGate)
            return perJob.Any(state => state.Holds(jobId));
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
        if (Config.Privacy is not { } budget) return null;
        if (round.Privacy is not { } dp)
            return Decline(round, $"site {Id} has a differential-privacy budget (ε ≤ {budget.EpsilonBudget}) and takes part only in DP-SGD jobs; this job trains without DP");
        var next = new GaussianSteps(dp.SamplingRate, dp.NoiseMultiplier, DpSgdTrainer.StepsFor(round.Training, dp));
        var (allowed, before, after) = BudgetCheck.Evaluate(new PrivacyBudget(budget.EpsilonBudget, budget.Delta), ledger.Spent(), next);
        if (allowed) return null;
        return Decline(round, $"privacy budget: this round would raise ε from {before.Epsilon:F3} to {after.Epsilon:F3}, over the site's budget of {budget.EpsilonBudget} (δ={budget.Delta})") with { BudgetExhausted = true };
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
            return Decline(round, "SCAFFOLD's control variates are refused beside record-level DP, site-level DP or secure aggregation: the control delta would leave outside their protection");
        try { serverControl = ScaffoldControl.Decode(sent, layout.TotalCount); }
        catch (InvalidPayloadException e) { return Decline(round, $"server control variate refused: {e.Message}"); }
        return null;
    }

    private RoundDeclined? Load(ModelSpec spec, ModelWeights weights, IRoundMessage round, out nn.Module<Tensor, Tensor>? model) =>
        models.Load(spec, weights, round, out model);

    private RoundDeclined Decline(IRoundMessage round, string reason) => models.Decline(round, reason);

    /// <summary>Soak/chaos runs only: ignore this round attempt entirely, as a site that crashed would.</summary>
    private bool SimulatedDropout(RoundStarted round)
    {
        if (Config.Training.SimulatedDropoutRate <= 0) return false;
        var dropped = new Random(RoundSeed(round.Seed * 31 + round.Attempt, round.Round)).NextDouble() < Config.Training.SimulatedDropoutRate;
        if (dropped) logger.LogWarning("site {Site}: simulating a dropout in job {Job} round {Round} attempt {Attempt}", Id, round.JobId, round.Round, round.Attempt);
        return dropped;
    }

    /// <summary>A per-site, per-round seed that is stable across processes (string.GetHashCode is not).</summary>
    private int RoundSeed(int jobSeed, int round)
    {
        unchecked
        {
            var h = 2166136261u;
            foreach (var c in $"{jobSeed}/{round}/{Id}") h = (h ^ c) * 16777619u;
            return (int)(h & 0x7fffffff);
        }
    }
}
