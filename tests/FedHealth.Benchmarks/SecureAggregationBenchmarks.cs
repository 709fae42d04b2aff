using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using FedHealth.Coordinator.Aggregation;
using FedHealth.Privacy.Crypto;
using FedHealth.Privacy.SecureAggregation;

namespace FedHealth.Benchmarks;

/// <summary>
/// The per-site and coordinator costs of secure aggregation for a 1M-parameter update, next to the plain
/// FedAvg fold they replace. Every benchmark works on 1,000,000 coordinates (8 MB in the ring).
/// </summary>
[MemoryDiagnoser]
public class SecureAggregationBenchmarks
{
    public const int Parameters = 1_000_000;
    private readonly byte[] seed = RandomNumberGenerator.GetBytes(32);
    private readonly ulong[] ring = new ulong[Parameters + 1];
    private readonly float[] update = new float[Parameters];
    private byte[][] pairSeeds = [];
    private ECDiffieHellman coordinator = null!;
    private byte[] coordinatorPublic = [];
    private byte[] payload = [];
    private Sealed sealedPayload = null!;
    private readonly WeightedAverage average = new(Parameters);

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        for (var i = 0; i < update.Length; i++) update[i] = (float)(random.NextDouble() - 0.5);
        pairSeeds = Enumerable.Range(0, 9).Select(_ => RandomNumberGenerator.GetBytes(32)).ToArray();
        coordinator = KeyAgreement.NewKey();
        coordinatorPublic = KeyAgreement.PublicKey(coordinator);
        payload = RandomNumberGenerator.GetBytes(ring.Length * sizeof(ulong));
        sealedPayload = SealedBox.Seal(coordinatorPublic, payload, "bench"u8);
    }

    /// <summary>One mask of 8 MB from a seed: the unit of work of masking and unmasking.</summary>
    [Benchmark]
    public void MaskExpansion() => MaskExpander.Apply(seed, ring);

    /// <summary>A site's whole masking step in a 10-site round: quantize n·w, add its self-mask and 9 pairwise masks.</summary>
    [Benchmark]
    public void QuantizeAndMaskAtOneSiteOf10()
    {
        for (var i = 0; i < update.Length; i++) ring[i] = FixedPointRing.Encode(update[i] * 500.0);
        ring[^1] = FixedPointRing.Encode(500);
        MaskExpander.Apply(seed, ring);
        for (var i = 0; i < pairSeeds.Length; i++) MaskExpander.Apply(pairSeeds[i], ring, subtract: (i & 1) == 0);
    }

    /// <summary>The coordinator removing the self-masks of 10 survivors (no dropout).</summary>
    [Benchmark]
    public void UnmaskTenSurvivors()
    {
        for (var i = 0; i < 10; i++) MaskExpander.Apply(i < 9 ? pairSeeds[i] : seed, ring, subtract: true);
    }

    /// <summary>Sealing an 8 MB masked update for the coordinator (ECDH + HKDF + AES-256-GCM).</summary>
    [Benchmark]
    public Sealed SealMaskedUpdate() => SealedBox.Seal(coordinatorPublic, payload, "bench"u8);

    /// <summary>Opening it at the coordinator.</summary>
    [Benchmark]
    public byte[] OpenMaskedUpdate() => SealedBox.Open(coordinator, sealedPayload, "bench"u8);

    /// <summary>What plain FedAvg does per update at the coordinator: fold 1M floats into the weighted sum.</summary>
    [Benchmark(Baseline = true)]
    public void PlainFedAvgFold() => average.Add(update, 500);
}
