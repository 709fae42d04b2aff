using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using FedHealth.Contracts;
using FedHealth.Coordinator.Bus;
using FedHealth.Coordinator.Ledger;
using FedHealth.Coordinator.Sites;
using static FedHealth.Coordinator.Jobs.JobProtocol;

namespace FedHealth.Coordinator.Jobs;

/// <summary>
/// Creates jobs, routes site messages to them by job id, and answers status queries. Its own journal lists the
/// jobs, so every job actor is started again (and resumes from its journal) when the coordinator restarts.
/// </summary>
public sealed class JobManager : ReceivePersistentActor
{
    private sealed record CreateWithSites(CreateJob Request, IReadOnlyList<SiteStatus> Sites, IActorRef ReplyTo);
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    private readonly Dictionary<Guid, IActorRef> jobs = new();
    private readonly IActorRef sites;
    private readonly IFederationPublisher publisher;
    private readonly TimeProvider clock;
    private readonly SecureAggregationKeys? keys;
    private readonly GovernanceContext? governance;
    private readonly LivenessSettings? liveness;
    private readonly ILoggingAdapter log = Context.GetLogger();

    public static Props Props(IActorRef sites, IFederationPublisher publisher, TimeProvider clock, SecureAggregationKeys? keys = null,
        GovernanceContext? governance = null, TimeSpan? offlineAfter = null) =>
        Akka.Actor.Props.Create(() => new JobManager(sites, publisher, clock, keys, governance, offlineAfter));

    public override string PersistenceId => "job-index";

    public JobManager(IActorRef sites, IFederationPublisher publisher, TimeProvider clock, SecureAggregationKeys? keys, GovernanceContext? governance,
        TimeSpan? offlineAfter)
    {
        liveness = offlineAfter is { } after ? new LivenessSettings(sites, after, TimeSpan.FromTicks(Math.Max(after.Ticks / 4, TimeSpan.FromMilliseconds(200).Ticks))) : null;
        this.keys = keys;
        this.governance = governance;
        this.sites = sites;
        this.publisher = publisher;
        this.clock = clock;

        Recover<JobRegistered>(r => jobs[r.JobId] = ActorRefs.Nobody);
        Recover<RecoveryCompleted>(_ =>
        {
            foreach (var id in jobs.Keys.ToList()) jobs[id] = StartJobActor(id);
            if (jobs.Count > 0) log.Info("job index recovered {0} jobs", jobs.Count);
        });

        Command<CreateJob>(request =>
        {
            var problems = JobSpecRules.Problems(request.Spec).ToList();
            if (request.Spec.SecureAggregation && keys is null) problems.Add("secureAggregation: this coordinator has no consortium keys (Coordinator:ConsortiumFile)");
            if (keys is not null && request.Spec.SecureAggregation)
                problems.AddRange(request.Spec.Sites.Where(s => !keys.Trust.Sites.ContainsKey(s)).Select(s => $"sites: '{s}' has no registered key in the consortium"));
            if (problems.Count > 0) { Sender.Tell(new JobRefused { Reason = string.Join("; ", problems) }); return; }
            var replyTo = Sender;
            sites.Ask<IReadOnlyList<SiteStatus>>(new SiteRegistry.GetSites(), AskTimeout)
                .PipeTo(Self, success: s => new CreateWithSites(request, s, replyTo),
                    failure: ex => new CreateWithSites(request, [], replyTo));
        });
        Command<CreateWithSites>(c =>
        {
            // A secure job can only include sites whose signing keys the consortium registered.
            var online = c.Sites.Where(s => s.Online && (!c.Request.Spec.SecureAggregation || keys!.Trust.Sites.ContainsKey(s.LastHeartbeat.SiteId)))
                .Select(s => s.LastHeartbeat).ToList();
            var (participants, problem) = JobSpecRules.ChooseParticipants(c.Request.Spec, online);
            if (problem is not null) { c.ReplyTo.Tell(new JobRefused { Reason = problem }); return; }
            var jobId = Guid.NewGuid();
            Persist(new JobRegistered(jobId, c.Request.Spec.Name, clock.GetUtcNow()), registered =>
            {
                var job = jobs[jobId] = StartJobActor(jobId);
                job.Tell(new StartJob(jobId, c.Request.Spec, participants, GovernanceFor(participants, online)));
                c.ReplyTo.Tell(new JobAccepted { JobId = jobId, Participants = participants });
            });
        });
        Command<UpdateSubmitted>(m => Route(m.JobId, m.Round, m.SiteId, m));
        Command<EvaluationSubmitted>(m => Route(m.JobId, m.Round, m.SiteId, m));
        Command<RoundDeclined>(m => Route(m.JobId, m.Round, m.SiteId, m));
        Command<ISecureRoundMessage>(m => Route(m.JobId, m.Round, m.SiteId, m));
        Command<GetJobSummary>(q =>
        {
            if (jobs.TryGetValue(q.JobId, out var job)) job.Forward(q);
            else Sender.Tell(new Status.Failure(new KeyNotFoundException($"no job {q.JobId}")));
        });
        Command<Done>(_ => { });
        Command<GetFederationStatus>(_ => Status().PipeTo(Sender));
    }

    private IActorRef StartJobActor(Guid jobId) => Context.ActorOf(JobActor.Props(jobId, publisher, clock, keys, governance, liveness), $"job-{jobId}");

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

    private void Route(Guid jobId, int round, string siteId, object message)
    {
        if (jobs.TryGetValue(jobId, out var job)) { job.Forward(message); return; }
        log.Warning("refused {0} from {1}: no job {2}", message.GetType().Name, siteId, jobId);
        publisher.Publish(new UpdateRefused { JobId = jobId, Round = round, SiteId = siteId, Reason = $"no job {jobId} at this coordinator" })
            .PipeTo(Self, success: () => Done.Instance, failure: _ => Done.Instance);
    }

    private async Task<FederationStatus> Status()
    {
        var summaries = await Task.WhenAll(jobs.Where(j => !j.Value.IsNobody())
            .Select(j => j.Value.Ask<JobSummary>(new GetJobSummary(j.Key), AskTimeout)));
        var siteList = await sites.Ask<IReadOnlyList<SiteStatus>>(new SiteRegistry.GetSites(), AskTimeout);
        return new FederationStatus { Jobs = summaries.Where(s => s.Spec is not null).ToList(), Sites = siteList };
    }
}
