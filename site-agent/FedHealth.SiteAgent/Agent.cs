using FedHealth.Contracts;
using FedHealth.Learning.Data;
using FedHealth.Learning.Torch;
using FedHealth.Privacy.Accounting;
using FedHealth.Privacy.DifferentialPrivacy;
using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

namespace FedHealth.SiteAgent;

/// <summary>
/// One hospital's agent: its data (loaded and split locally, never sent), its device, and what it answers to a
/// round. Each kind of task has its handler (SiteTrainer, SiteScoring, SiteCounting); they run synchronously on the caller's
/// thread under the agent's lock (TorchSharp's scopes are thread-bound).
/// </summary>
public sealed class Agent
{
    private readonly ILogger logger;
    private readonly object torchGate = new();
    private readonly RoundAnswers answers = new();
    private readonly SecureParticipation secure;
    private readonly SitePersonalisation personalisation;
    private readonly SiteControlVariates controlVariates = new();
    private readonly SiteBatchNorm batchNorm = new();
    // One handler per kind of task behind the consumer; the agent owns what they share (data, device, gate, lock, per-job state).
    private readonly SiteTrainer training;
    private readonly SiteCounting counting;
    private readonly SiteScoring scoring;
    private readonly SiteModels models;
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

    private Agent(SiteConfig config, DataSchema schema, TrainTestSplit split, Device device, SiteSecurity? security, ILogger logger)
    {
        (Config, Schema, Split, Device, this.logger, this.security) = (config, schema, split, device, logger, security);
        secure = new SecureParticipation(config.Site.Id, security, config.MinParticipants, logger);
        StateDir = config.StateDir ?? Path.Combine(Path.GetTempPath(), "fedhealth", config.Site.Id);
        Audit = new AuditLog(Path.Combine(StateDir, "audit.jsonl"));
        Gate = new TransferGate(config.Site.Id, config.Site.Jurisdiction, config.Policy, Audit, logger);
        var noiseSeeds = new NoiseSeeds(Path.Combine(StateDir, "noise-secret.bin"));
        var ledger = new PrivacyLedgerFile(Path.Combine(StateDir, "privacy-ledger.json"));
        personalisation = new SitePersonalisation(Id, Split, Device, StateDir);
        models = new SiteModels(config.Site.Id, schema.FeatureNames, logger);
        training = new SiteTrainer(config, schema, split, device, torchGate, answers, Gate, secure, security, ledger, noiseSeeds, personalisation,
            controlVariates, batchNorm, models, logger);
        counting = new SiteCounting(config.Site.Id, schema, split, answers, Gate, secure, logger);
        scoring = new SiteScoring(config.Site.Id, split, device, Gate, personalisation, controlVariates, batchNorm, models, logger);
        perJob = [answers, personalisation, controlVariates, batchNorm, secure, Gate];
    }

    /// <summary>The site's cumulative ε on its data so far (every job), at its own δ.</summary>
    public PrivacyCost PrivacySpent() => training.Spent();

    /// <summary>Loads the site's schema and data and picks its device; any problem stops the site with a clear message.</summary>
    public static Agent Start(SiteConfig config, ILogger logger, SiteSecurity? security = null)
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
            config.Site.Id, config.Site.Jurisdiction, config.Site.Simulated ? ", simulated" : "", split.Train.Rows, split.Test.Rows, schema.Name,
                TrainingDevice.Describe(device));
        return new Agent(config, schema, split, device, security, logger);
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
        Task = Schema.Label.Task, Classes = Schema.Label.Kind == LabelDefinition.Multiclass ? Schema.Label.Classes!.Count : null,
        TrainSamples = Split.Train.Rows, TestSamples = Split.Test.Rows, Device = DeviceName, Simulated = Config.Site.Simulated,
        Description = Config.Site.Description, SentAt = now, Activity = training.Activity, ConsortiumVersion = security?.Trust.Version ?? 0,
        Policy = Config.Policy is { } p ? new PolicySummary
        {
            Destinations = p.Destinations.Select(d => new PolicyDestination { Jurisdiction = d.Jurisdiction, LegalBasis = d.LegalBasis }).ToList(),
            DataKinds = p.DataKinds, Consortia = p.Consortia, Models = p.Models,
        } : null,
    };

    /// <summary>Answers a round of training (see <see cref="SiteTrainer"/>).</summary>
    public ISiteRoundMessage? Train(RoundStarted round) => training.Train(round);

    /// <summary>A label-counts job: this site's rows per label, sent only masked (see <see cref="SiteCounting"/>).</summary>
    public ISiteRoundMessage? Count(CountRequested request)
    {
        lock (torchGate) return counting.Handle(request);
    }

    public ISiteRoundMessage? OnKeysCollected(MaskingKeysCollected message) => Step(message, () => secure.OnKeysCollected(message));
    public ISiteRoundMessage? OnSeedsRevealed(GraphSeedsRevealed message) => Step(message, () => secure.OnSeedsRevealed(message));
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
            logger.LogInformation("site {Site}: job {Job} {Outcome} in round {Round}; what this site kept for it in memory is released", Id, closed.JobId,
                closed.Outcome, closed.Round);
        }
    }

    /// <summary>Whether the agent still keeps anything in memory for the job.</summary>
    public bool HoldsStateFor(Guid jobId)
    {
        lock (torchGate)
            return perJob.Any(state => state.Holds(jobId));
    }

}
