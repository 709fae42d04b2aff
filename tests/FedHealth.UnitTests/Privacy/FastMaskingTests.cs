using System.Security.Cryptography;
using FedHealth.Privacy.Crypto;
using FedHealth.Privacy.SecureAggregation;

namespace FedHealth.Tests.Privacy;

/// <summary>The fast paths of masking give exactly what the reference paths give: the same AES-CTR mask, the same fixed-point codes.</summary>
public sealed class FastMaskingTests
{
    [Theory]
    [InlineData(0, 0L)]
    [InlineData(1, 0L)]
    [InlineData(15, 2L)]
    [InlineData(16, 0L)]
    [InlineData(17, 8L)]
    [InlineData(100_003, 0L)]
    [InlineData(33, 1L << 33)]
    public void The_AES_NI_keystream_equals_AES_ECB_over_the_counter_blocks(int length, long firstElement)
    {
        foreach (var subtract in new[] { false, true })
        {
            var stream = new AesCtrKeystream(RandomNumberGenerator.GetBytes(32));
            var fast = Enumerable.Range(0, length).Select(i => (ulong)i * 0x9E3779B97F4A7C15).ToArray();
            var reference = (ulong[])fast.Clone();
            stream.AddTo(fast, firstElement, subtract);
            stream.AddToByEcb(reference, firstElement, subtract);
            Assert.Equal(reference, fast);
        }
    }

    [Fact]
    public void A_mask_is_AES_256_of_the_little_endian_block_counter()
    {
        // FIPS-197 appendix C.3's key; block 1 of the mask is E(01 00 .. 00), read as two little-endian 64-bit elements.
        var key = Convert.FromHexString("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        using var aes = Aes.Create();
        aes.Key = key;
        Assert.Equal("8EA2B7CA516745BFEAFC49904B496089",
            Convert.ToHexString(aes.EncryptEcb(Convert.FromHexString("00112233445566778899aabbccddeeff"), PaddingMode.None)));
        var counter = new byte[16];
        counter[0] = 1;
        var block = aes.EncryptEcb(counter, PaddingMode.None);
        var mask = new ulong[4];
        MaskExpander.Apply(key, mask);
        Assert.Equal(BitConverter.ToUInt64(block, 0), mask[2]);
        Assert.Equal(BitConverter.ToUInt64(block, 8), mask[3]);
    }

    [Fact]
    public void Masks_applied_to_a_wire_buffer_equal_masks_applied_to_the_vector()
    {
        var masks = Enumerable.Range(0, 4).Select(i => (RandomNumberGenerator.GetBytes(32), i % 2 == 1)).ToList();
        var input = Enumerable.Range(0, 70_001).Select(i => (ulong)i).ToArray();
        var vector = (ulong[])input.Clone();
        MaskExpander.ApplyAll(masks, vector);
        Assert.Equal(vector, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(SecureRing.Wide.MaskToWire(input, masks)).ToArray());
        Assert.Equal(SecureRing.Compact.ToWire(vector), SecureRing.Compact.MaskToWire(input, masks));
    }

    [Fact]
    public void Encoding_a_vector_at_once_gives_each_value_s_code_ties_to_even_included()
    {
        var random = new Random(5);
        var values = Enumerable.Range(0, 10_003).Select(_ => (float)(random.NextDouble() * 8 - 4)).ToList();
        // Exact midpoints between two codes after scaling by 2^24 (and by 2^12 in the 32-bit ring), which round to even.
        values.AddRange([0.5f / (1 << 24), 1.5f / (1 << 24), -2.5f / (1 << 24), 0.5f / (1 << 12), -1.5f / (1 << 12), 0f, -0f]);
        foreach (var ring in new[] { SecureRing.Wide, SecureRing.Compact })
            foreach (var factor in new[] { 1.0, 913.0 })
            {
                var all = new ulong[values.Count];
                ring.EncodeAll(values.ToArray(), factor, 3, all);
                Assert.Equal(values.Select((v, i) => ring.Encode(v * factor, 3, i)).ToArray(), all);
            }
    }

    [Fact]
    public void Encoding_a_vector_refuses_the_first_value_out_of_range_by_its_coordinate()
    {
        var values = new float[13];
        values[9] = float.NaN;
        values[11] = 1e30f;
        var e = Assert.Throws<OverflowException>(() => SecureRing.Wide.EncodeAll(values, 1, 3, new ulong[13]));
        Assert.Contains("at coordinate 9", e.Message);
        values[9] = 0;
        Assert.Contains("at coordinate 11", Assert.Throws<OverflowException>(() => SecureRing.Compact.EncodeAll(values, 1, 3, new ulong[13])).Message);
    }

    [Fact]
    public void A_box_sealed_in_place_opens_to_the_plaintext_and_not_with_other_context()
    {
        using var recipient = KeyAgreement.NewKey();
        var plaintext = RandomNumberGenerator.GetBytes(100_000);
        var buffer = plaintext.ToArray();
        var box = SealedBox.SealInPlace(KeyAgreement.PublicKey(recipient), buffer, "ctx"u8);
        Assert.Same(buffer, box.Ciphertext);
        Assert.NotEqual(plaintext, buffer);
        var opened = new byte[plaintext.Length];
        SealedBox.OpenInto(recipient, box, "ctx"u8, opened);
        Assert.Equal(plaintext, opened);
        Assert.ThrowsAny<CryptographicException>(() => SealedBox.OpenInto(recipient, box, "other"u8, opened));
    }
}
