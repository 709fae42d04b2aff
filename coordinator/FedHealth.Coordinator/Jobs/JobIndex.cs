using FedHealth.Learning.Jobs;
using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using FedHealth.Contracts;
using FedHealth.Coordinator.Ledger;
using FedHealth.Coordinator.Sites;
using static FedHealth.Coordinator.Jobs.JobProtocol;

namespace FedHealth.Coordinator.Jobs;

/// <summary>
/// The job index, a cluster singleton: it checks and registers new jobs, starts them in the sharded job region,
/// answers status queries, and keeps every running job awake. Its own journal lists the jobs with how each was
/// started, so whichever node takes the index over re-sends the (idempotent) start to each running job: a job whose
/// node died comes back on a survivor as soon as that node is removed from the cluster (and at the latest within one
/// wake interval) even when no site message arrives for it.
/// </summary>
public sealed class JobIndex : ReceivePersistentActor, IWithTimers
{
    private sealed record CreateWithSites(CreateJob Request, IReadOnlyList<SiteStatus> Sites, IActorRef ReplyTo);
    private sealed record WakeRunningJobs;
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);
    private const string WakeTimer = "wake";

    private readonly Dictionary<Guid, JobRegistered> jobs = new();
    /// <summary>Each create request's job, so a repeat of the request is answered with it instead of making another.</summary>
    private readonly Dictionary<Guid, JobRegistered> byRequest = new();
    /// <summary>Requests being created (waiting for the site list or the journal): a repeat meanwhile waits for the same answer.</summary>
    private readonly Dictionary<Guid, List<IActorRef>> creating = new();
    private readonly HashSet<Guid> retired = new();
    /// <summary>How the list shows each ended job (from its retirement), so listing ended jobs wakes none of them.</summary>
    private readonly Dictionary<Guid, JobListing> endedListings = new();
    private readonly IActorRef region;
    private readonly IActorRef sites;
    private readonly SecureAggregationKeys? keys;
    private readonly GovernanceContext? governance;
    private readonly TimeProvider clock;
    private readonly TimeSpan wakeEvery;
    private readonly ILoggingAdapter log = Context.GetLogger();

    public static Props Props(IActorRef region, IActorRef sites, TimeProvider clock, SecureAggregationKeys? keys = null,
        GovernanceContext? governance = null, TimeSpan? wakeEvery = null) =>
        Akka.Actor.Props.Create(() => new JobIndex(region, sites, clock, keys, governance, wakeEvery ?? TimeSpan.FromSeconds(5)));

    public override string PersistenceId => "job-index";
    public ITimerScheduler Timers { get; set; } = null!;

    public JobIndex(IActorRef region, IActorRef sites, TimeProvider clock, SecureAggregationKeys? keys, GovernanceContext? governance, TimeSpan wakeEvery)
    {
        this.region = region;
        this.sites = sites;
        this.keys = keys;
        this.governance = governance;
        this.clock = clock;
        this.wakeEvery = wakeEvery;

        Recover<JobRegistered>(Register);
        Recover<JobRetired>(Retired);
        Recover<RecoveryCompleted>(_ =>
        {
            log.Info("job index ready on {0}: {1} jobs, {2} running", Akka.Cluster.Cluster.Get(Context.System).SelfAddress, jobs.Count,
                jobs.Count - retired.Count);
            WakeAll();
            Timers.StartPeriodicTimer(WakeTimer, new WakeRunningJobs(), wakeEvery);
        });

        Command<CreateJob>(request =>
        {
            // From the bus a required field can still be null: refuse it by name, never throw in the index.
            if (request.Spec is null) { Sender.Tell(new JobRefused { Reason = "spec: missing" }); return; }
            if (request.RequestId == Guid.Empty)
            {
                Sender.Tell(new JobRefused { Reason = "requestId: missing (each create request names itself, so a repeat creates nothing)" });
                return;
            }
            if (byRequest.TryGetValue(request.RequestId, out var earlier))
            {
                log.Info("create request {0} repeated: answering with job {1} it created", request.RequestId, earlier.JobId);
                Sender.Tell(Accepted(earlier));
                return;
            }
            if (creating.TryGetValue(request.RequestId, out var waiting)) { waiting.Add(Sender); return; }
            var problems = JobSpecRules.Problems(request.Spec).ToList();
            if (request.Spec.SecureAggregation && keys is null)
                problems.Add("secureAggregation: this coordinator has no consortium keys (Coordinator:ConsortiumFile)");
            if (keys is not null && request.Spec.SecureAggregation)
                problems.AddRange((request.Spec.Sites ?? []).Where(s => s is not null && !keys.Trust.Sites.ContainsKey(s))
                    .Select(s => $"sites: '{s}' has no registered key in the consortium"));
            if (problems.Count > 0) { Sender.Tell(new JobRefused { Reason = string.Join("; ", problems) }); return; }
            var replyTo = Sender;
            creating[request.RequestId] = [];
            sites.Ask<SiteRegistry.SiteList>(new SiteRegistry.GetSites(), AskTimeout)
                .PipeTo(Self, success: s => new CreateWithSites(request, s.Sites, replyTo),
                    failure: _ => new CreateWithSites(request, [], replyTo));
        });
        Command<CreateWithSites>(c =>
        {
            // A secure job can only include sites whose signing keys the consortium registered.
            var online = c.Sites.Where(s => s.Online && (!c.Request.Spec.SecureAggregation || keys!.Trust.Sites.ContainsKey(s.LastHeartbeat.SiteId)))
                .Select(s => s.LastHeartbeat).ToList();
            var (participants, problem) = JobSpecRules.ChooseParticipants(c.Request.Spec, online);
            var waiting = creating.Remove(c.Request.RequestId, out var repeats) ? repeats : [];
            if (problem is not null)
            {
                // Nothing was created: a repeat of a refused request is judged afresh (the sites may be online by then).
                foreach (var to in waiting.Append(c.ReplyTo)) to.Tell(new JobRefused { Reason = problem });
                return;
            }
            var jobId = Guid.NewGuid();
            Persist(new JobRegistered(jobId, c.Request.Spec.Name, clock.GetUtcNow(), c.Request.Spec, participants, GovernanceFor(participants, online),
                c.Request.RequestId), registered =>
            {
                Register(registered);
                Wake(registered);
                foreach (var to in waiting.Append(c.ReplyTo)) to.Tell(Accepted(registered));
            });
        });
        Command<JobRetired>(r =>
        {
            if (!jobs.ContainsKey(r.JobId)) return;
            // A job that ended before retirements carried a listing sends one when next woken: journaled then, once.
            if (retired.Contains(r.JobId) && (r.Listing is null || endedListings.ContainsKey(r.JobId))) return;
            Persist(r, Retired);
        });
        Command<WakeRunningJobs>(_ => WakeAll());
        // A removed node's shards are placed again on first use: wake its jobs now rather than at the next tick.
        Command<Akka.Cluster.ClusterEvent.MemberRemoved>(removed =>
        {
            log.Info("coordinator node {0} was removed from the cluster: waking every running job so that its jobs resume on a survivor",
                removed.Member.Address);
            WakeAll();
        });
        Command<Akka.Cluster.ClusterEvent.CurrentClusterState>(_ => { });
        Command<GetJobSummary>(q =>
        {
            if (jobs.ContainsKey(q.JobId)) region.Forward(q);
            else Sender.Tell(new Status.Failure(new KeyNotFoundException($"no job {q.JobId}")));
        });
        Command<JobRefused>(_ => { });
        Command<JobSummary>(_ => { });
        Command<Done>(_ => { });
        Command<GetFederationStatus>(q => Status(q).PipeTo(Sender));
        Command<GetJob>(q =>
        {
            if (!jobs.ContainsKey(q.JobId)) { Sender.Tell(new JobNotFound { JobId = q.JobId }); return; }
            var histograms = q.Histograms;
            region.Ask<JobSummary>(new GetJobSummary(q.JobId), AskTimeout).ContinueWith(t => histograms ? t.Result : JobSummaries.WithoutHistograms(t.Result),
                TaskContinuationOptions.OnlyOnRanToCompletion).PipeTo(Sender);
        });
    }

    protected override void PreStart()
    {
        base.PreStart();
        Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, Akka.Cluster.ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot,
            typeof(Akka.Cluster.ClusterEvent.MemberRemoved));
    }

    protected override void PostStop()
    {
        Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);
        base.PostStop();
    }

    private void Register(JobRegistered registered)
    {
        jobs[registered.JobId] = registered;
        if (registered.RequestId is { } request) byRequest[request] = registered;
    }

    private static JobAccepted Accepted(JobRegistered registered) => new() { JobId = registered.JobId, Participants = registered.Participants ?? [] };

    private void WakeAll()
    {
        foreach (var job in jobs.Values.Where(j => !retired.Contains(j.JobId))) Wake(job);
    }

    /// <summary>
    /// Sends the job its start again: a running or paused job ignores it (a paused job stays paused), a job that is not
    /// running anywhere is started (and recovers) by it. Paused jobs are woken too, so one whose node died is back to be resumed.
    /// </summary>
    private void Wake(JobRegistered job)
    {
        if (job.Spec is null || job.Participants is null) { region.Tell(new GetJobSummary(job.JobId), Self); return; }
        region.Tell(new StartJob(job.JobId, job.Spec, job.Participants, job.Governance), Self);
    }

    /// <summary>Where each participant is and the legal basis its policy declares for sending to this coordinator.</summary>
    private JobGovernance? GovernanceFor(IReadOnlyList<string> participants, IReadOnlyList<SiteHeartbeat> online)
    {
        if (governance is null) return null;
        var chosen = online.Where(h => participants.Contains(h.SiteId)).ToList();
        return new JobGovernance
        {
            Consortium = governance.Consortium,
            CoordinatorJurisdiction = governance.Jurisdiction,
            SiteJurisdictions = chosen.ToDictionary(h => h.SiteId, h => h.Jurisdiction),
            InboundLegalBases = chosen.ToDictionary(h => h.SiteId, h => h.Policy?.Destinations
                .FirstOrDefault(d => FedHealth.Governance.Jurisdictions.Covers(d.Jurisdiction, governance.Jurisdiction))?.LegalBasis ?? "undeclared"),
        };
    }

    private void Retired(JobRetired r)
    {
        retired.Add(r.JobId);
        if (r.Listing is { } listing) endedListings[r.JobId] = listing;
    }

    /// <summary>
    /// The sites and one page of jobs, newest first: an ended job from its listing, a running one (or one that ended
    /// before listings were kept) from its actor. The page is chosen here, on the actor's thread; only its running jobs
    /// are asked, so the answer's size and time do not grow with the jobs that have ended.
    /// </summary>
    private async Task<FederationStatus> Status(GetFederationStatus query)
    {
        var (offset, limit) = (Math.Max(0, query.JobsOffset), Math.Clamp(query.JobsLimit, 0, GetFederationStatus.MaxJobsLimit));
        var page = jobs.Values.OrderByDescending(j => j.At).ThenBy(j => j.JobId).Skip(offset).Take(limit)
            .Select(j => endedListings.TryGetValue(j.JobId, out var listing) ? Task.FromResult(listing)
                : region.Ask<JobSummary>(new GetJobSummary(j.JobId), AskTimeout).ContinueWith(t => JobListing.Of(t.Result),
                    TaskContinuationOptions.OnlyOnRanToCompletion))
            .ToList();
        var count = jobs.Count;
        var listed = await Task.WhenAll(page);
        var siteList = await sites.Ask<SiteRegistry.SiteList>(new SiteRegistry.GetSites(), AskTimeout);
        return new FederationStatus { Jobs = listed.Where(j => j.Spec is not null).ToList(), JobCount = count, JobsOffset = offset, Sites = siteList.Sites };
    }
}
