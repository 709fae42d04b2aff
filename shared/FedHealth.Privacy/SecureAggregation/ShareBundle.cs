namespace FedHealth.Privacy.SecureAggregation;

/// <summary>What one site hands another in step 2: its share of the sender's self-mask seed and of its masking key.</summary>
public sealed record ShareBundle(ShamirShare SelfSeed, ShamirShare MaskingKey)
{
    public byte[] ToBytes() => [SelfSeed.X, .. SelfSeed.Y, MaskingKey.X, .. MaskingKey.Y];

    public static ShareBundle FromBytes(byte[] bytes)
    {
        if (bytes.Length != 66) throw new FormatException($"a share bundle is 66 bytes, got {bytes.Length}");
        return new ShareBundle(new ShamirShare(bytes[0], bytes[1..33]), new ShamirShare(bytes[33], bytes[34..66]));
    }
}

/// <summary>One share a surviving site reveals in step 4: of whose secret, which secret, and the share itself.</summary>
public sealed record RevealedShare(string Owner, bool IsMaskingKey, ShamirShare Share);

/// <summary>Binary form of the shares a site reveals, sealed for the coordinator.</summary>
public static class RevealedShares
{
    public static byte[] ToBytes(IReadOnlyList<RevealedShare> shares)
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write(shares.Count);
        foreach (var s in shares)
        {
            writer.Write(s.Owner);
            writer.Write(s.IsMaskingKey);
            writer.Write(s.Share.X);
            writer.Write(s.Share.Y.Length);
            writer.Write(s.Share.Y);
        }
        writer.Flush();
        return stream.ToArray();
    }

    public static IReadOnlyList<RevealedShare> FromBytes(byte[] bytes)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes));
        var count = reader.ReadInt32();
        if (count is < 0 or > 1024) throw new FormatException($"{count} revealed shares is out of range");
        var result = new List<RevealedShare>(count);
        for (var i = 0; i < count; i++)
        {
            var owner = reader.ReadString();
            var isKey = reader.ReadBoolean();
            var x = reader.ReadByte();
            var length = reader.ReadInt32();
            if (length != 32) throw new FormatException($"a revealed share is 32 bytes, got {length}");
            result.Add(new RevealedShare(owner, isKey, new ShamirShare(x, reader.ReadBytes(32))));
        }
        return result;
    }
}
