using System.Security.Cryptography.X509Certificates;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;
using FedHealth.Privacy.Crypto;

namespace FedHealth.Coordinator.Hosting;

/// <summary>
/// Akka.NET remoting between coordinator nodes over mutual TLS: each node presents its own certificate and accepts a
/// peer only when the peer's chains to the configured CA and carries the coordinator-node usage
/// (<see cref="ConsortiumCa.CoordinatorNodeAuth"/>), so neither a site's certificate from the same CA nor anyone who
/// merely reaches the port can join the cluster. Refusals are logged with the peer and the reason.
/// </summary>
public static class RemotingTls
{
    /// <summary>The setup for <paramref name="options"/>, or null when remoting runs without TLS; throws naming the setting that is wrong.</summary>
    public static DotNettySslSetup? Setup(CoordinatorOptions options)
    {
        string?[] files = [options.RemotingCertFile, options.RemotingKeyFile, options.RemotingCaFile];
        if (files.All(f => f is null)) return null;
        if (files.Any(f => f is null))
            throw new ArgumentException(
                "Coordinator:RemotingCertFile, RemotingKeyFile and RemotingCaFile: give all three (from `fedhealth provision node-cert`) or none");
        foreach (var file in files)
            if (!File.Exists(file)) throw new ArgumentException($"{file}: not found (a Coordinator:Remoting* setting)");
        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(options.RemotingCaFile!));
        var certificate = X509Certificate2.CreateFromPemFile(options.RemotingCertFile!, options.RemotingKeyFile);
        if (ConsortiumCa.Problem(certificate, ca, ConsortiumCa.CoordinatorNodeAuth) is { } own)
            throw new ArgumentException($"{options.RemotingCertFile}: not a coordinator node certificate of {options.RemotingCaFile}: {own}");
        // The CA is the consortium's own, not in the machine's trust store: the chain is checked against it here alone.
        return new DotNettySslSetup(certificate, suppressValidation: false, requireMutualAuthentication: true, validateCertificateHostname: false,
            customValidator: (peer, _, remote, _, log) =>
            {
                var problem = peer is null ? "it presented no certificate" : ConsortiumCa.Problem(peer, ca, ConsortiumCa.CoordinatorNodeAuth);
                if (problem is not null) log.Warning("remoting: refused a TLS connection with {0}: {1}", remote, problem);
                return problem is null;
            });
    }

    /// <summary>Whether the node talks TLS to its peers: its configuration switches the transport on and names seeds akka.ssl.tcp.</summary>
    public static bool Enabled(CoordinatorOptions options) => options.RemotingCertFile is not null;
}
