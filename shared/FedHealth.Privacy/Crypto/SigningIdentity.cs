namespace FedHealth.Privacy.Crypto;

/// <summary>
/// A party's signing key as it stands now: a site that rotates its key switches to the new one the moment the
/// consortium file registers it, without a restart, and everything that signs for the site reads it from here.
/// </summary>
public sealed class SigningIdentity(SigningKey key)
{
    private SigningKey current = key;

    public SigningKey Current => Volatile.Read(ref current);

    public byte[] PublicKey => Current.PublicKey;

    public byte[] Sign(ReadOnlySpan<byte> content) => Current.Sign(content);

    /// <summary>From now on this party signs with <paramref name="next"/>; the old key is left to the collector, a message in flight may still be signing with
    /// it.</summary>
    public void Replace(SigningKey next) => Volatile.Write(ref current, next);
}
