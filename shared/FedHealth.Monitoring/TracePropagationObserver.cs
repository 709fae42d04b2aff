using System.Diagnostics;
using MassTransit;

namespace FedHealth.Monitoring;

/// <summary>Writes the current span's W3C traceparent into every message this process publishes (<see cref="FederationTracing.Header"/>).</summary>
public sealed class TracePropagationObserver : IPublishObserver
{
    public Task PrePublish<T>(PublishContext<T> context) where T : class
    {
        if (Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: { } id }) context.Headers.Set(FederationTracing.Header, id);
        return Task.CompletedTask;
    }

    public Task PostPublish<T>(PublishContext<T> context) where T : class => Task.CompletedTask;

    public Task PublishFault<T>(PublishContext<T> context, Exception exception) where T : class => Task.CompletedTask;
}
