using System.Security.Cryptography;

namespace FedHealth.Privacy.Crypto;

/// <summary>An AES-256-GCM ciphertext with the ephemeral public key that, with the recipient's key, derives its key.</summary>
public sealed record Sealed(byte[] EphemeralPublicKey, byte[] Nonce, byte[] Ciphertext, byte[] Tag);

/// <summary>
/// Encryption for one recipient's public key: a fresh ephemeral P-256 key agrees a key with the recipient
/// (ECDH + HKDF-SHA256), AES-256-GCM encrypts, and the associated data (who, which job, which round) is
/// authenticated, so a ciphertext moved to another context fails to open.
/// </summary>
public static class SealedBox
{
    private const string Purpose = "fedhealth sealed box v1";

    public static Sealed Seal(byte[] recipientPublicKey, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData) =>
        Seal(recipientPublicKey, plaintext, new byte[plaintext.Length], associatedData);

    /// <summary>
    /// Seals a buffer in place: <paramref name="plaintext"/> becomes the ciphertext (AES-GCM encrypts a buffer onto itself),
    /// so a masked update of megabytes is not copied once more. The buffer's plaintext is gone afterwards.
    /// </summary>
    public static Sealed SealInPlace(byte[] recipientPublicKey, byte[] plaintext, ReadOnlySpan<byte> associatedData) =>
        Seal(recipientPublicKey, plaintext, plaintext, associatedData);

    private static Sealed Seal(byte[] recipientPublicKey, ReadOnlySpan<byte> plaintext, byte[] ciphertext, ReadOnlySpan<byte> associatedData)
    {
        using var ephemeral = KeyAgreement.NewKey();
        var key = KeyAgreement.Derive(ephemeral, recipientPublicKey, Purpose);
        try
        {
            var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
            var tag = new byte[AesGcm.TagByteSizes.MaxSize];
            using var aes = new AesGcm(key, tag.Length);
            aes.Encrypt(nonce, plaintext, ciphertext, tag, associatedData);
            return new Sealed(KeyAgreement.PublicKey(ephemeral), nonce, ciphertext, tag);
        }
        finally { CryptographicOperations.ZeroMemory(key); }
    }

    /// <summary>Opens a box; a wrong key, altered bytes or other associated data throw <see cref="CryptographicException"/>.</summary>
    public static byte[] Open(ECDiffieHellman recipient, Sealed box, ReadOnlySpan<byte> associatedData)
    {
        var plaintext = new byte[box.Ciphertext.Length];
        OpenInto(recipient, box, associatedData, plaintext);
        return plaintext;
    }

    /// <summary>Opens a box into a buffer the caller holds (reused across boxes of the same size); throws as <see cref="Open"/>.</summary>
    public static void OpenInto(ECDiffieHellman recipient, Sealed box, ReadOnlySpan<byte> associatedData, Span<byte> plaintext)
    {
        if (plaintext.Length != box.Ciphertext.Length)
            throw new CryptographicException($"the box holds {box.Ciphertext.Length} bytes, the buffer to open it into {plaintext.Length}");
        var key = KeyAgreement.Derive(recipient, box.EphemeralPublicKey, Purpose);
        try
        {
            using var aes = new AesGcm(key, box.Tag.Length);
            aes.Decrypt(box.Nonce, box.Ciphertext, box.Tag, plaintext, associatedData);
        }
        catch (ArgumentException e) { throw new CryptographicException("malformed sealed box", e); }
        finally { CryptographicOperations.ZeroMemory(key); }
    }
}
