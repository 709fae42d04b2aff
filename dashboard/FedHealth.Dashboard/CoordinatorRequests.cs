using MassTransit;

namespace FedHealth.Dashboard;

/// <summary>How long the dashboard waits for the coordinator to answer a request before telling the user (503).</summary>
public static class CoordinatorRequests
{
    public const int TimeoutSeconds = 30;
    public static readonly RequestTimeout Timeout = RequestTimeout.After(s: TimeoutSeconds);
}
