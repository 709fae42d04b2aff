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
    /// <summary>Around a publish: up to 6 tries over about 6 s, the circuit opening after half of 4+ calls in 30 s fail, for 5 s.</summary>
    public static ResiliencePipeline ForBus(TimeSpan? baseDelay = null, TimeSpan? breakFor = null) => new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not (OperationCanceledException or BrokenCircuitException)),
            MaxRetryAttempts = 5,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = baseDelay ?? TimeSpan.FromMilliseconds(200),
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
