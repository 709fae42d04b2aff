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
    /// <summary>
    /// On RabbitMQ a message whose JSON is larger than this travels as slices of <see cref="ChunkBytes"/> (the broker
    /// refuses messages over 128 MiB by default, the client over 120 MiB); the in-memory transport has no limit.
    /// </summary>
    public int InlineBytes { get; set; } = 32 * 1024 * 1024;
    public int ChunkBytes { get; set; } = 16 * 1024 * 1024;
    /// <summary>
    /// For amqps:// (required there): the consortium CA's certificate (PEM). The broker's certificate must chain to it;
    /// the operating system's trusted roots are not consulted.
    /// </summary>
    public string? CaFile { get; set; }
    /// <summary>The name the broker's certificate must carry when it differs from the host in <see cref="Uri"/>.</summary>
    public string? ServerName { get; set; }
    /// <summary>Optional client certificate (PEM) to present to the broker, with its private key in <see cref="KeyFile"/>.</summary>
    public string? CertFile { get; set; }
    public string? KeyFile { get; set; }
    /// <summary>
    /// Log in to the broker with the client certificate (SASL EXTERNAL: the broker user is the certificate's CN, the
    /// site id) instead of a password in <see cref="Uri"/>. What an enrolment bundle sets up.
    /// </summary>
    public bool CertificateLogin { get; set; }
    /// <summary>
    /// Development only: allow plain amqp://, which sends site updates and broker passwords unencrypted. Without it a
    /// RabbitMQ address must be amqps://.
    /// </summary>
    public bool AllowPlainAmqp { get; set; }

    /// <summary><see cref="Uri"/> with its password replaced by ***, for messages and logs.</summary>
    public string SafeUri => Redact(Uri);

    public static string Redact(string uri) => FedHealth.Contracts.UriRedaction.Redact(uri);

    /// <summary>Whether <see cref="Uri"/> asks for TLS.</summary>
    public bool UsesTls => Transport == RabbitMq && Uri.StartsWith("amqps://", StringComparison.OrdinalIgnoreCase);

    public void Validate()
    {
        if (Transport is not (InMemory or RabbitMq))
            throw new ArgumentException($"Bus:Transport is '{Transport}', expected {InMemory} or {RabbitMq}");
        if (Transport == RabbitMq && !Uri.StartsWith("amqp", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"Bus:Uri '{SafeUri}' is not an amqp:// or amqps:// address");
        if (Transport == RabbitMq && !UsesTls && !AllowPlainAmqp)
            throw new ArgumentException($"Bus:Uri '{SafeUri}' is plain AMQP, which sends site updates and the broker password unencrypted: " +
                                        "use amqps:// with Bus:CaFile (docs/site-agent.md), or set Bus:AllowPlainAmqp=true on a development machine");
        if (CertificateLogin && (!UsesTls || string.IsNullOrWhiteSpace(CertFile)))
            throw new ArgumentException("Bus:CertificateLogin needs amqps:// and a client certificate (Bus:CertFile and Bus:KeyFile)");
        if (UsesTls)
        {
            if (string.IsNullOrWhiteSpace(CaFile))
                throw new ArgumentException($"Bus:Uri '{SafeUri}' is amqps:// but Bus:CaFile is not set: give the consortium CA certificate (ca-cert.pem) " +
                    "the broker's certificate must chain to");
            if (!File.Exists(CaFile)) throw new ArgumentException($"Bus:CaFile '{CaFile}' does not exist");
            if (string.IsNullOrWhiteSpace(CertFile) != string.IsNullOrWhiteSpace(KeyFile))
                throw new ArgumentException("Bus:CertFile and Bus:KeyFile go together: give both (the client certificate and its key) or neither");
            if (!string.IsNullOrWhiteSpace(CertFile) && !File.Exists(CertFile)) throw new ArgumentException($"Bus:CertFile '{CertFile}' does not exist");
            if (!string.IsNullOrWhiteSpace(KeyFile) && !File.Exists(KeyFile)) throw new ArgumentException($"Bus:KeyFile '{KeyFile}' does not exist");
        }
        if (ChunkBytes is < 64 * 1024 or > 64 * 1024 * 1024) throw new ArgumentException($"Bus:ChunkBytes is {ChunkBytes}, expected 64 KiB..64 MiB");
        if (InlineBytes < 1 || InlineBytes > 100 * 1024 * 1024) throw new ArgumentException($"Bus:InlineBytes is {InlineBytes}, expected 1..100 MiB");
    }
}
