using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace FedHealth.Messaging;

/// <summary>
/// How the deployables ride out a broker or a data source that is briefly away: retries with exponential backoff
/// and jitter, behind a circuit breaker that stops hammering something that is down and fails fast until it has
/// had time to come back. Pure policy, tested on its own; used around publishes and around reading local data.
/// </summary>
public static class Resilience
{
    /// <summary>A circuit open for at most this long is waited out by a publish; one open longer fails the publish at once.</summary>
    public static readonly TimeSpan WaitOutOpenCircuit = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Around a publish: up to 6 tries over about 6 s, the circuit opening after half of 4+ calls in 30 s fail, for 5 s.
    /// A try that meets the circuit open waits until it may close (when that is at most <see cref="WaitOutOpenCircuit"/>
    /// away) instead of failing at once: a site's answer that fails is lost (sites do not redo a round step, which would
    /// draw fresh masking keys), and right after a broker outage a short open circuit cost a secure round its attempts.
    /// </summary>
    public static ResiliencePipeline ForBus(TimeSpan? baseDelay = null, TimeSpan? breakFor = null) => new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException
                && (e is not BrokenCircuitException open || open.RetryAfter is { } after && after <= WaitOutOpenCircuit)),
            MaxRetryAttempts = 5,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = baseDelay ?? TimeSpan.FromMilliseconds(200),
            DelayGenerator = args => ValueTask.FromResult(args.Outcome.Exception is BrokenCircuitException { RetryAfter: { } after }
                ? after + TimeSpan.FromMilliseconds(50) : (TimeSpan?)null),
        })
        .AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException),
            FailureRatio = 0.5,
            MinimumThroughput = 4,
            SamplingDuration = TimeSpan.FromSeconds(30),
            BreakDuration = breakFor ?? TimeSpan.FromSeconds(5),
        })
        .Build();

    /// <summary>Around reading a site's local data: a file share or database that blips is retried, bad data is not.</summary>
    public static ResiliencePipeline ForDataSource(Func<Exception, bool> transient, TimeSpan? baseDelay = null) => new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle(transient),
            MaxRetryAttempts = 4,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = baseDelay ?? TimeSpan.FromMilliseconds(250),
        })
        .Build();
}
