using FedHealth.Contracts;
using MassTransit;

namespace FedHealth.Messaging.Chunking;

/// <summary>
/// Publishes a message whole when the broker can carry it, else as checksummed slices (coordinator to sites as
/// <see cref="CoordinatorChunk"/>s, site to coordinator as <see cref="SiteChunk"/>s), so a large model's update or
/// global weights never exceed the broker's message-size limit.
/// </summary>
public sealed class ChunkedPublisher(BusOptions options)
{
    /// <summary>
    /// The message whole, or its slices wrapped for the bus, in the order to publish them (each on its own, so a
    /// retry resends one slice); slices are made as they are enumerated, so one is in memory at a time.
    /// </summary>
    public IEnumerable<object> Messages(object message, string? siteId)
    {
        if (options.Transport != BusOptions.RabbitMq || !MayBeLarge(message)) return [message];
        var body = MessageChunker.Envelope(message);
        var length = MessageChunker.Length(body);
        if (length <= options.InlineBytes) return [message];
        var (jobId, round) = message switch
        {
            IRoundMessage r => (r.JobId, r.Round),
            UpdateSubmitted u => (u.JobId, u.Round),
            EvaluationSubmitted e => (e.JobId, e.Round),
            ISecureRoundMessage s => (s.JobId, s.Round),
            _ =>
                throw new ArgumentException($"{message.GetType().Name} of {length} bytes is too large for one broker message and names no job to chunk it for"),
        };
        var slices = MessageChunker.Slices(body, message.GetType().Name, jobId, round, options.ChunkBytes);
        return siteId is null
            ? slices.Select(s => (object)new CoordinatorChunk { Slice = s })
            : slices.Select(s => (object)new SiteChunk { SiteId = siteId, Slice = s });
    }

    /// <summary>Whether the message may go whole: the same size rule <see cref="Messages"/> applies before slicing.</summary>
    public bool FitsWhole(object message) =>
        options.Transport != BusOptions.RabbitMq || MessageChunker.Length(MessageChunker.Envelope(message)) <= options.InlineBytes;

    /// <summary>Only messages that carry model weights or an update can outgrow a broker message.</summary>
    private static bool MayBeLarge(object message) =>
        message is RoundStarted or EvaluationRequested or CrossSiteEvaluationRequested or UpdateSubmitted or SealedUpdateSubmitted or MaskedUpdateSubmitted
            or EvaluationSubmitted { PersonalModel: not null };
}
