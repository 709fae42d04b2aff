using System.Text.Json;
using FedHealth.Contracts;

namespace FedHealth.Governance;

/// <summary>Size and SHA-256 of a contract message as it travels (its JSON), for the ledger and the site audit log alike.</summary>
public static class PayloadDigest
{
    /// <remarks>Streams the JSON through the hash: a large model's message is measured without being held as bytes.</remarks>
    public static (long Bytes, string Sha256) Of(object message)
    {
        using var digest = new DigestingStream();
        JsonSerializer.Serialize(digest, message, message.GetType(), WireJson.Options);
        return (digest.Bytes, digest.Sha256());
    }
}
