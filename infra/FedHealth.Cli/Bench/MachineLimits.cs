using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using FedHealth.Privacy.SecureAggregation;

namespace FedHealth.Cli.Bench;

/// <summary>
/// What one core of this machine does per second at the three things a secure round's coordinator must do to every
/// byte of every update: decrypt it (AES-256-GCM), expand the keystream that removes its self-mask (AES-256-CTR),
/// and fold it into a sum (the float32 <c>acc += w·update</c> of plain FedAvg). Measured on buffers of the update's
/// size (out of cache, as the real ones are), best of several runs, so the figures are the machine's, not noise.
/// </summary>
internal sealed record MachineLimits(double KeystreamGBps, double FusedKeystreamGBps, double GcmGBps, double FoldGBps)
{
    /// <summary>The faster of the two keystreams is the limit: OpenSSL's AES-ECB over counters, or AES-NI added straight into a vector.</summary>
    public double BestKeystreamGBps => Math.Max(KeystreamGBps, FusedKeystreamGBps);

    /// <summary>Seconds one core needs at these speeds to open, unmask and fold <paramref name="sites"/> updates of <paramref name="bytes"/> each.</summary>
    public double CoordinatorSeconds(int sites, long bytes) => sites * (double)bytes * (1 / GcmGBps + 1 / BestKeystreamGBps + 1 / FoldGBps) / 1e9;

    public static MachineLimits Measure(long bytes)
    {
        var elements = (int)(bytes / sizeof(ulong));
        var key = RandomNumberGenerator.GetBytes(32);

        var chunk = new byte[1 << 20];
        using var aes = Aes.Create();
        aes.Key = key;
        var ecb = Best(() => { for (long done = 0; done < bytes; done += chunk.Length) aes.EncryptEcb(chunk, chunk, PaddingMode.None); });

        var vector = new ulong[elements];
        var stream = new AesCtrKeystream(key);
        var fused = Best(() => stream.AddTo(vector, 0, subtract: false));

        var plaintext = GC.AllocateUninitializedArray<byte>(elements * sizeof(ulong));
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[16];
        var nonce = new byte[12];
        using var gcm = new AesGcm(key, tag.Length);
        gcm.Encrypt(nonce, plaintext, ciphertext, tag);
        var open = Best(() => gcm.Decrypt(nonce, ciphertext, tag, plaintext));

        var update = new float[elements * 2];
        var sum = new float[update.Length];
        var fold = Best(() => Fold(sum, update, 0.5f));

        double Rate(double seconds) => elements * (double)sizeof(ulong) / seconds / 1e9;
        return new MachineLimits(Rate(ecb), Rate(fused), Rate(open), Rate(fold));
    }

    private static void Fold(float[] sum, float[] update, float weight)
    {
        var s = MemoryMarshal.Cast<float, Vector<float>>(sum.AsSpan());
        var u = MemoryMarshal.Cast<float, Vector<float>>(update.AsSpan());
        for (var i = 0; i < s.Length; i++) s[i] += u[i] * weight;
    }

    private static double Best(Action work)
    {
        work();
        var best = double.MaxValue;
        for (var run = 0; run < 5; run++)
        {
            var watch = Stopwatch.StartNew();
            work();
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }
        return best;
    }
}
