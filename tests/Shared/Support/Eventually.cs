namespace FedHealth.Tests.Support;

/// <summary>Awaits a condition that other processes bring about, checking it often and failing after a bound.</summary>
public static class Eventually
{
    public static async Task<T> Get<T>(Func<Task<T?>> probe, TimeSpan within, string what) where T : class
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        var deadline = DateTime.UtcNow + within;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await probe() is { } value) return value;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException) { last = e; }
            await timer.WaitForNextTickAsync();
        }
        throw new TimeoutException($"{what} did not happen within {within.TotalSeconds:F0}s{(last is null ? "" : $" (last error: {last.Message})")}");
    }
}
