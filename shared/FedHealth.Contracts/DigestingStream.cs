using System.Security.Cryptography;

namespace FedHealth.Contracts;

/// <summary>
/// A write-only stream that keeps nothing but the byte count and SHA-256 of what is written, and optionally hands
/// the bytes on in slices of a fixed size: a large message's JSON is measured or cut without ever being held whole.
/// </summary>
public sealed class DigestingStream(int? sliceBytes = null) : Stream
{
    private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly List<byte[]> slices = new();
    private byte[]? current;
    private int used;

    public long Bytes { get; private set; }
    /// <summary>The slices written so far (the last one trimmed); empty unless a slice size was given.</summary>
    public IReadOnlyList<byte[]> Slices
    {
        get
        {
            if (current is not null && used > 0) { slices.Add(current.AsSpan(0, used).ToArray()); current = null; used = 0; }
            return slices;
        }
    }

    public string Sha256() => Convert.ToHexStringLower(hash.GetCurrentHash());

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        hash.AppendData(buffer);
        Bytes += buffer.Length;
        if (sliceBytes is not { } size) return;
        while (!buffer.IsEmpty)
        {
            current ??= new byte[size];
            var n = Math.Min(size - used, buffer.Length);
            buffer[..n].CopyTo(current.AsSpan(used));
            used += n;
            buffer = buffer[n..];
            if (used == size) { slices.Add(current); current = null; used = 0; }
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => Bytes;
    public override long Position { get => Bytes; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) hash.Dispose();
        base.Dispose(disposing);
    }
}
