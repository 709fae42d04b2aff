using System.Threading.Channels;
using FedHealth.Coordinator.Bus;

namespace FedHealth.Tests.Coordinator;

/// <summary>Stands in for the bus in actor tests: what the actors publish is queued, and tests await the next message of a type.</summary>
public sealed class RecordingPublisher : IFederationPublisher
{
    private readonly Channel<object> published = Channel.CreateUnbounded<object>();
    private readonly System.Collections.Concurrent.ConcurrentQueue<object> ever = new();

    public bool IsUp => true;

    public Task Publish<T>(T message) where T : class
    {
        ever.Enqueue(message);
        published.Writer.TryWrite(message);
        return Task.CompletedTask;
    }

    /// <summary>True once a <typeparamref name="T"/> has been published (read by <see cref="Next{T}"/> or not).</summary>
    public bool Has<T>() => ever.Any(m => m is T);

    /// <summary>The next published <typeparamref name="T"/> (others are skipped), or a timeout failure.</summary>
    public async Task<T> Next<T>(TimeSpan? within = null, Func<T, bool>? where = null)
    {
        using var timeout = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            object message;
            try { message = await published.Reader.ReadAsync(timeout.Token); }
            catch (OperationCanceledException) { throw new TimeoutException($"no {typeof(T).Name} published in time"); }
            if (message is T t && (where is null || where(t))) return t;
        }
    }
}
