
namespace FedHealth.Tests.Support;

/// <summary>
/// A real RabbitMQ node for the tests, installed from Debian's packages and started on loopback by the
/// project's own infra/rabbitmq scripts, on a port of its own so it never touches a developer's broker.
/// </summary>
public sealed class RabbitMqBroker : IDisposable
{
    public const int Port = 5699;
    private const string Node = "fedhealth-test@localhost";
    private readonly string dataDir = Directory.CreateTempSubdirectory("fedhealth-rabbitmq-").FullName;

    public string Uri => $"amqp://guest:guest@127.0.0.1:{Port}/";

    public RabbitMqBroker()
    {
        var (code, output) = Script("start.sh");
        if (code != 0) throw new InvalidOperationException($"RabbitMQ did not start (infra/rabbitmq/start.sh exited {code}):\n{output}");
    }

    /// <summary>Stops the broker and starts it again (same node, same data), as an operator or a crash would.</summary>
    /// <param name="downFor">How long the broker stays away: the length of the outage a test stages (not a wait for anything).</param>
    public void Restart(TimeSpan? downFor = null)
    {
        Script("stop.sh");
        if (downFor is { } outage) Thread.Sleep(outage);
        var (code, output) = Script("start.sh");
        if (code != 0) throw new InvalidOperationException($"RabbitMQ did not come back (start.sh exited {code}):\n{output}");
    }

    public void Dispose()
    {
        Script("stop.sh");
        try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private (int Code, string Output) Script(string name) =>
        InfraScript.Run("rabbitmq", name, new Dictionary<string, string> { ["FEDHEALTH_RABBITMQ_PORT"] = Port.ToString(), ["FEDHEALTH_RABBITMQ_NODE"] = Node, ["FEDHEALTH_RABBITMQ_DIR"] = dataDir });
}

[CollectionDefinition(Name)]
public sealed class RabbitMqCollection : ICollectionFixture<RabbitMqBroker>
{
    public const string Name = "real RabbitMQ";
}
