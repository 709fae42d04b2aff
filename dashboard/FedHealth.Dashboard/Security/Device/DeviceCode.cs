using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace FedHealth.Dashboard.Security.Device;

/// <summary>
/// The secret a command line polls with: 32 random bytes, base64url. The dashboard keeps only its SHA-256 hash, so a
/// memory dump of pending requests gives nobody a code to collect a token with.
/// </summary>
public static class DeviceCode
{
    public static string New() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string code) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(code)));
}
