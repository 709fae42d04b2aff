
namespace FedHealth.Tests.Support;

/// <summary>
/// A real RabbitMQ node for the tests, installed from Debian's packages and started on loopback by the
/// project's own infra/rabbitmq scripts, on a port and node of its own (per test process) so it never touches a developer's broker or another run's.
/// </summary>
public sealed class RabbitMqBroker : IDisposable
{
    public static readonly int Port = ServerPorts.FreeRun(1);
    private static readonly string Node = ServerPorts.Node("test");
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

    /// <summary>An account as a site's would be made (add-site-user.sh), with a password too: this broker has no TLS.</summary>
    public string AddSiteUser(string siteId, string password)
    {
        var (code, output) = Script("add-site-user.sh", new Dictionary<string, string> { ["FEDHEALTH_SITE_PASSWORD"] = password }, siteId);
        if (code != 0) throw new InvalidOperationException($"add-site-user.sh {siteId} exited {code}:\n{output}");
        return $"amqp://{siteId}:{password}@127.0.0.1:{Port}/";
    }

    /// <summary>Removes a site's account as an operator would after a revocation (remove-site-user.sh).</summary>
    public void RemoveSiteUser(string siteId)
    {
        var (code, output) = Script("remove-site-user.sh", null, siteId);
        if (code != 0) throw new InvalidOperationException($"remove-site-user.sh {siteId} exited {code}:\n{output}");
    }

    private (int Code, string Output) Script(string name, IReadOnlyDictionary<string, string>? more = null, params string[] args)
    {
        var environment = new Dictionary<string, string>
        {
            ["FEDHEALTH_RABBITMQ_PORT"] = Port.ToString(), ["FEDHEALTH_RABBITMQ_NODE"] = Node,
            ["FEDHEALTH_RABBITMQ_DIR"] = dataDir
        };
        foreach (var (key, value) in more ?? new Dictionary<string, string>()) environment[key] = value;
        return InfraScript.Run("rabbitmq", name, environment, args);
    }
}

[CollectionDefinition(Name)]
public sealed class RabbitMqCollection : ICollectionFixture<RabbitMqBroker>
{
    public const string Name = "real RabbitMQ";
}
