using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FedHealth.Contracts;

namespace FedHealth.Privacy.Crypto;

/// <summary>
/// What a sender signs for a small control message: SHA-256 over its type's name and its wire JSON with the signature
/// left out. Every field is covered, a field added later included, and a message of one type cannot pass for another.
/// </summary>
public static class SignedMessage
{
    /// <param name="unsigned">The message as it travels, its signature set to null.</param>
    public static byte[] Digest<T>(T unsigned) where T : class
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(typeof(T).FullName + "\n"));
        hash.AppendData(JsonSerializer.SerializeToUtf8Bytes(unsigned, WireJson.Options));
        return hash.GetHashAndReset();
    }
}
