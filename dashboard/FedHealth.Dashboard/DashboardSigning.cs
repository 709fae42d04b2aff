using FedHealth.Contracts;
using FedHealth.Messaging.Signing;
using FedHealth.Privacy.Crypto;

namespace FedHealth.Dashboard;

/// <summary>
/// The dashboard's identity on the bus: with a consortium file (Dashboard:ConsortiumFile) it signs every job command
/// and query with its key (Dashboard:KeyFile, registered in that file), and takes the coordinator's answers and
/// events only when the coordinator signed them. The coordinator takes commands from no one else.
/// </summary>
public static class DashboardSigning
{
    public static void Add(IServiceCollection services, IConfiguration configuration)
    {
        var consortium = configuration["Dashboard:ConsortiumFile"];
        var keyFile = configuration["Dashboard:KeyFile"];
        if (consortium is null && keyFile is null) return;
        if (consortium is null || keyFile is null)
            throw new InvalidOperationException($"Dashboard:{(consortium is null ? "ConsortiumFile" : "KeyFile")} is not set: the dashboard needs both the " +
                "consortium file and its signing key (`fedhealth provision keys` writes dashboard-key.pem)");
        if (!File.Exists(keyFile)) throw new InvalidOperationException($"Dashboard:KeyFile {keyFile}: not found");
        var trust = ConsortiumTrust.Load(consortium);
        var key = SigningKey.FromPem(File.ReadAllText(keyFile));
        if (!key.PublicKey.AsSpan().SequenceEqual(trust.DashboardKey))
            throw new InvalidOperationException($"Dashboard:KeyFile {keyFile}: not the dashboard key {consortium} registers");
        services.AddMessageSigning(trust, MessageSender.Dashboard, key);
    }
}
