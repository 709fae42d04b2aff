namespace FedHealth.Messaging;

/// <summary>Which transport a deployable uses. Bound from the "Bus" configuration section.</summary>
public sealed class BusOptions
{
    public const string InMemory = "InMemory";
    public const string RabbitMq = "RabbitMq";

    /// <summary>"InMemory" (every component in one process) or "RabbitMq".</summary>
    public string Transport { get; set; } = InMemory;
    /// <summary>RabbitMQ address, e.g. amqp://guest:guest@127.0.0.1:5672/.</summary>
    public string Uri { get; set; } = "amqp://guest:guest@127.0.0.1:5672/";
    /// <summary>How long a publish may wait for the broker's confirm before it is treated as failed.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public void Validate()
    {
        if (Transport is not (InMemory or RabbitMq))
            throw new ArgumentException($"Bus:Transport is '{Transport}', expected {InMemory} or {RabbitMq}");
        if (Transport == RabbitMq && !Uri.StartsWith("amqp", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"Bus:Uri '{Uri}' is not an amqp:// or amqps:// address");
    }
}
