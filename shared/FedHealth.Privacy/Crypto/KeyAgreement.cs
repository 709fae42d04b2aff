using System.Security.Cryptography;
using System.Text;

namespace FedHealth.Privacy.Crypto;

/// <summary>
/// ECDH on P-256 followed by HKDF-SHA256: two parties with each other's public keys derive the same 32-byte key,
/// bound to a purpose string so one agreement never serves two uses.
/// </summary>
public static class KeyAgreement
{
    public static ECDiffieHellman NewKey() => ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);

    public static byte[] PublicKey(ECDiffieHellman key) => key.ExportSubjectPublicKeyInfo();

    public static ECDiffieHellman ImportPublic(byte[] subjectPublicKeyInfo)
    {
        var key = ECDiffieHellman.Create();
        try { key.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _); }
        catch (CryptographicException e) { key.Dispose(); throw new CryptographicException("not a P-256 public key", e); }
        if (key.KeySize != 256) { key.Dispose(); throw new CryptographicException($"key is {key.KeySize}-bit, P-256 expected"); }
        return key;
    }

    /// <summary>The private scalar, for secret-sharing a masking key so the coordinator can rebuild it if its owner drops out.</summary>
    public static byte[] PrivateScalar(ECDiffieHellman key) => key.ExportParameters(includePrivateParameters: true).D!;

    /// <summary>Rebuilds a private key from its scalar and the public key it belongs to (checked to match).</summary>
    public static ECDiffieHellman FromScalar(byte[] scalar, byte[] subjectPublicKeyInfo)
    {
        using var publicKey = ImportPublic(subjectPublicKeyInfo);
        var parameters = publicKey.ExportParameters(false);
        parameters.D = scalar;
        var key = ECDiffieHellman.Create();
        key.ImportParameters(parameters);
        return key;
    }

    public static byte[] Derive(ECDiffieHellman mine, byte[] theirPublicKey, string purpose, int length = 32)
    {
        using var theirs = ImportPublic(theirPublicKey);
        var shared = mine.DeriveRawSecretAgreement(theirs.PublicKey);
        try { return HKDF.DeriveKey(HashAlgorithmName.SHA256, shared, length, salt: [], info: Encoding.UTF8.GetBytes(purpose)); }
        finally { CryptographicOperations.ZeroMemory(shared); }
    }
}
