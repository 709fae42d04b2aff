namespace FedHealth.Tests.Support;

/// <summary>
/// A RabbitMQ node with an amqps listener, started by infra/rabbitmq/start.sh with FEDHEALTH_RABBITMQ_TLS_PORT/_DIR,
/// on a node name and ports of its own so it never disturbs the shared <see cref="RabbitMqBroker"/>. Its consortium
/// CA and server certificate (for localhost and 127.0.0.1) are made by `fedhealth provision ca` and `broker-cert`.
/// </summary>
public sealed class TlsRabbitMqBroker : IDisposable
{
    public static readonly int Port = ServerPorts.FreeRun(2);
    public static readonly int TlsPort = Port + 1;
    private static readonly string Node = ServerPorts.Node("tls-test");
    private readonly string folder = Directory.CreateTempSubdirectory("fedhealth-tls-certs-").FullName;
    // A temp folder of its own (start.sh hands it to the rabbitmq user when run as root; it could not enter a root-only parent).
    private readonly string brokerDir = Directory.CreateTempSubdirectory("fedhealth-rabbitmq-tls-").FullName;

    /// <summary>The consortium CA that signed the broker's certificate.</summary>
    public string CaFile => Path.Combine(folder, "tls", "ca-cert.pem");
    public string CaFolder => Path.Combine(folder, "ca");
    public string TlsUri => $"amqps://guest:guest@127.0.0.1:{TlsPort}/";

    public TlsRabbitMqBroker()
    {
        if (CliRunner.Run("provision", "ca", "--out", CaFolder).GetAwaiter().GetResult() != 0) throw new InvalidOperationException("provision ca failed");
        if (CliRunner.Run("provision", "broker-cert", "--ca", CaFolder, "--dns", "localhost", "--ip", "127.0.0.1", "--out", Path.Combine(folder, "tls"))
            .GetAwaiter().GetResult() != 0)
            throw new InvalidOperationException("provision broker-cert failed");
        var (code, output) = Script("start.sh");
        if (code != 0) Dispose();
        if (code != 0) throw new InvalidOperationException($"RabbitMQ with TLS did not start (infra/rabbitmq/start.sh exited {code}):\n{output}");
    }

    public void Dispose()
    {
        Script("stop.sh");
        foreach (var dir in new[] { folder, brokerDir })
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>Runs one of infra/rabbitmq's scripts against this node, as its operator would.</summary>
    public (int Code, string Output) Script(string name, params string[] args) =>
        InfraScript.Run("rabbitmq", name, new Dictionary<string, string>
        {
            ["FEDHEALTH_RABBITMQ_PORT"] = Port.ToString(), ["FEDHEALTH_RABBITMQ_NODE"] = Node, ["FEDHEALTH_RABBITMQ_DIR"] = brokerDir,
            ["FEDHEALTH_RABBITMQ_TLS_PORT"] = TlsPort.ToString(), ["FEDHEALTH_RABBITMQ_TLS_DIR"] = Path.Combine(folder, "tls"),
        }, args);
}

/// <summary>The test classes that need the TLS broker share one node for the run: it is started and stopped once.</summary>
[CollectionDefinition(Name)]
public sealed class TlsRabbitMqCollection : ICollectionFixture<TlsRabbitMqBroker>
{
    public const string Name = "RabbitMQ with TLS";
}
