using System.Security.Cryptography;

namespace FedHealth.Privacy.Crypto;

/// <summary>
/// A site's long-term signing key (ECDSA P-256, SHA-256). Everything a site sends in a secure round is signed
/// with it, and every receiver verifies against the public key registered for that site.
/// </summary>
public sealed class SigningKey : IDisposable
{
    private readonly ECDsa key;

    private SigningKey(ECDsa key) => this.key = key;

    public static SigningKey Create() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    public static SigningKey FromPem(string pem)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(pem);
        return new SigningKey(key);
    }

    public string PrivateKeyPem() => key.ExportPkcs8PrivateKeyPem();

    public byte[] PublicKey => key.ExportSubjectPublicKeyInfo();

    public byte[] Sign(ReadOnlySpan<byte> content) => key.SignData(content, HashAlgorithmName.SHA256);

    public static bool Verify(byte[] publicKey, ReadOnlySpan<byte> content, byte[]? signature)
    {
        if (signature is null || signature.Length == 0) return false;
        try
        {
            using var verifier = ECDsa.Create();
            verifier.ImportSubjectPublicKeyInfo(publicKey, out _);
            return verifier.VerifyData(content, signature, HashAlgorithmName.SHA256);
        }
        catch (CryptographicException) { return false; }
    }

    public void Dispose() => key.Dispose();
}
