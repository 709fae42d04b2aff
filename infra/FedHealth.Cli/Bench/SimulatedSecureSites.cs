using System.Security.Cryptography;
using System.Threading.Channels;
using Akka.Actor;
using FedHealth.Contracts;
using FedHealth.Coordinator.Bus;
using FedHealth.Coordinator.Jobs;
using FedHealth.Learning.Models;
using FedHealth.Privacy.Crypto;
using FedHealth.SiteAgent;
using Microsoft.Extensions.Logging.Abstractions;

namespace FedHealth.Cli.Bench;

/// <summary>
/// Sites of a secure job simulated in one process: each answers the job actor's requests with the site agent's own
/// secure-aggregation code (<see cref="SecureParticipation"/>: signed key advertisements, Shamir shares, masked updates,
/// unmasking shares), training replaced by random weights and evaluation by fixed scores (<see cref="SimulatedEvaluation"/>). The bus is a channel, so
/// what is measured is the coordinator's actor and journal, not the broker.
/// </summary>
internal sealed class SimulatedSecureSites : IDisposable
{
    private readonly Dictionary<string, SigningKey> identities;
    private readonly Dictionary<string, SecureParticipation> sites;
    private readonly ECDiffieHellman coordinatorKey = KeyAgreement.NewKey();
    private readonly ParameterLayout layout;
    private readonly Random random = new(1);

    public SimulatedSecureSites(IReadOnlyList<string> ids, ParameterLayout layout)
    {
        this.layout = layout;
        Ids = ids;
        identities = ids.ToDictionary(id => id, _ => SigningKey.Create());
        using var coordinatorSigning = SigningKey.Create();
        using var dashboard = SigningKey.Create();
        var trust = new ConsortiumTrust(KeyAgreement.PublicKey(coordinatorKey), coordinatorSigning.PublicKey, dashboard.PublicKey,
            identities.ToDictionary(p => p.Key, p => p.Value.PublicKey));
        Keys = new SecureAggregationKeys(trust, coordinatorKey);
        sites = ids.ToDictionary(id => id, id => new SecureParticipation(id, new SiteSecurity(identities[id], trust, id), 2, NullLogger.Instance));
    }

    public IReadOnlyList<string> Ids { get; }

    /// <summary>The coordinator's side of the consortium's keys, for the job actor.</summary>
    public SecureAggregationKeys Keys { get; }

    /// <summary>Every site's answer to one of the job's requests (none for a notice), each acknowledged by the actor before the next.</summary>
    public async Task Answer(IActorRef job, object request)
    {
        foreach (var id in Ids)
            if (AnswerOf(id, request) is { } answer)
            {
                var handled = await job.Ask<JobProtocol.Handled>(answer, TimeSpan.FromMinutes(2));
                if (handled.Refusal is { } refusal) throw new InvalidOperationException($"{id}'s {handled.What} was refused: {refusal}");
            }
    }

    private ISiteRoundMessage? AnswerOf(string id, object request) => request switch
    {
        RoundStarted round => sites[id].Advertise(round, RandomUpdate(round, id)),
        MaskingKeysCollected keys => sites[id].OnKeysCollected(keys),
        GraphSeedsRevealed seeds => sites[id].OnSeedsRevealed(seeds),
        SharesRelayed shares => sites[id].OnSharesRelayed(shares),
        UnmaskingRequested unmasking => sites[id].OnUnmaskingRequested(unmasking),
        EvaluationRequested evaluation => SimulatedEvaluation.Of(evaluation, id),
        _ => null,
    };

    private UpdateSubmitted RandomUpdate(RoundStarted round, string id)
    {
        var values = new float[layout.TotalCount];
        for (var k = 0; k < values.Length; k++) values[k] = (float)(random.NextDouble() - 0.5);
        return new UpdateSubmitted
        {
            JobId = round.JobId, Round = round.Round, SiteId = id, SampleCount = 100, Weights = new FlatParameters(layout, values).ToWeights(),
            TrainLoss = 0.5, Device = "cpu", TrainSeconds = 0,
        };
    }

    public void Dispose()
    {
        coordinatorKey.Dispose();
        foreach (var i in identities.Values) i.Dispose();
    }
}

/// <summary>The job actor's bus as a channel the bench reads in order.</summary>
internal sealed class ChannelPublisher : IFederationPublisher
{
    private readonly Channel<object> published = Channel.CreateUnbounded<object>();
    public bool IsUp => true;

    public Task Publish<T>(T message) where T : class
    {
        published.Writer.TryWrite(message);
        return Task.CompletedTask;
    }

    public async Task<object> Next()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        return await published.Reader.ReadAsync(timeout.Token);
    }
}
