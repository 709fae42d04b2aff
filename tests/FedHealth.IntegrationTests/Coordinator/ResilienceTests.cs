using FedHealth.Learning.Data;
using FedHealth.Messaging;
using Polly.CircuitBreaker;

namespace FedHealth.Tests.Coordinator;

/// <summary>The retry and circuit-breaker policy used around publishes and local data, on its own.</summary>
public sealed class ResilienceTests
{
    [Fact]
    public async Task A_publish_that_fails_twice_is_retried_and_goes_through()
    {
        var pipeline = Resilience.ForBus(baseDelay: TimeSpan.FromMilliseconds(1));
        var calls = 0;
        await pipeline.ExecuteAsync(_ => ++calls < 3 ? throw new IOException("broker away") : ValueTask.CompletedTask);
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task A_broker_that_stays_away_opens_the_circuit_and_later_calls_fail_fast()
    {
        var pipeline = Resilience.ForBus(baseDelay: TimeSpan.FromMilliseconds(1), breakFor: TimeSpan.FromMinutes(1));
        var calls = 0;
        await Assert.ThrowsAnyAsync<Exception>(async () => await pipeline.ExecuteAsync(_ => { calls++; throw new IOException("broker away"); }));
        var before = calls;
        await Assert.ThrowsAsync<BrokenCircuitException>(async () => await pipeline.ExecuteAsync(_ => { calls++; return ValueTask.CompletedTask; }));
        Assert.Equal(before, calls);
        Assert.InRange(before, 4, 6);
    }

    [Fact]
    public async Task A_publish_that_meets_a_briefly_open_circuit_waits_it_out_and_goes_through()
    {
        var pipeline = Resilience.ForBus(baseDelay: TimeSpan.FromMilliseconds(1), breakFor: TimeSpan.FromMilliseconds(500));
        await Assert.ThrowsAnyAsync<Exception>(async () => await pipeline.ExecuteAsync(_ => throw new IOException("broker away")));
        // The circuit is open now; the broker is back: the next publish waits for the circuit to let it try, and goes through.
        var calls = 0;
        await pipeline.ExecuteAsync(_ => { calls++; return ValueTask.CompletedTask; });
        Assert.Equal(1, calls);
    }

    [Fact]
    public void Reading_local_data_retries_a_blip_but_not_bad_data()
    {
        var pipeline = Resilience.ForDataSource(e => e is IOException, baseDelay: TimeSpan.FromMilliseconds(1));
        var calls = 0;
        Assert.Equal(42, pipeline.Execute(() => ++calls < 3 ? throw new IOException("share offline") : 42));
        calls = 0;
        Assert.Throws<DataException>(() => pipeline.Execute<int>(() => { calls++; throw new DataException("line 3: 'x' is not a number"); }));
        Assert.Equal(1, calls);
    }
}
