using System.Security.Cryptography;
using System.Text.Json;
using FedHealth.Contracts;

namespace FedHealth.Governance;

/// <summary>Size and SHA-256 of a contract message as it travels (its JSON), for the ledger and the site audit log alike.</summary>
public static class PayloadDigest
{
    public static (long Bytes, string Sha256) Of(object message)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(message, message.GetType(), WireJson.Options);
        return (bytes.LongLength, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }
}
