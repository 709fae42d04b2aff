using System.Security.Cryptography;
using System.Text;
using FedHealth.Contracts;

namespace FedHealth.Privacy.SecureAggregation;

/// <summary>
/// Who masks with whom and who holds shares of whose secrets. The full graph (Bonawitz et al.) pairs every site with
/// every other that advertised keys. The sparse graph (SecAgg+, Bell et al., CCS 2020) pairs each site with
/// <c>k</c> neighbours on a Harary graph H(k, n): the round's roster in a random order on a ring, each site joined to
/// the k/2 before and after it. The order is drawn from SHA-256 of the opening digest (job, round, round nonce, k,
/// threshold and roster, all fixed when the coordinator opens the attempt) and the graph seeds every site that
/// advertised keys committed to in its advert and revealed after the key step closed (<see cref="SeedCommitment"/>):
/// the coordinator picks the nonce, but not the seeds, so it cannot grind nonces for a graph it likes. Each site signs
/// the final graph's digest into its share bundles, so neighbours that were shown different graphs refuse each other.
/// A site's secrets are shared among itself and its neighbours, with the round's threshold.
/// </summary>
public sealed class MaskingGraph
{
    public const string Full = "full";
    public const string Sparse = "sparse";
    public static IReadOnlyList<string> Kinds => [Full, Sparse];

    private readonly Dictionary<string, string[]>? neighbours;

    private MaskingGraph(Dictionary<string, string[]>? neighbours, byte[]? digest) => (this.neighbours, Digest) = (neighbours, digest);

    public static readonly MaskingGraph Complete = new(null, null);

    public bool IsSparse => neighbours is not null;

    /// <summary>The sparse graph's digest (opening digest and seeds), which every site signs into its share bundles; null for the full graph.</summary>
    public byte[]? Digest { get; }

    /// <summary>
    /// The digest of everything fixed when the attempt opened (null for the full graph), which sites sign into their key
    /// advertisements; a sparse round without its roster, an odd degree or an unknown kind is refused by name.
    /// </summary>
    public static byte[]? OpeningDigest(SecureRoundSettings settings, Guid job, int round)
    {
        if (settings.Graph is null or Full) return null;
        if (settings.Graph != Sparse)
            throw new SecureRoundException($"the round's masking graph '{settings.Graph}' is not one this site knows ({string.Join(", ", Kinds)})");
        if (settings.Roster is not { Count: > 0 } roster) throw new SecureRoundException("a sparse round must name its roster, from which the graph is drawn");
        if (settings.Neighbours < 2 || settings.Neighbours % 2 != 0)
            throw new SecureRoundException($"a sparse round's neighbour count {settings.Neighbours} is not an even number of at least 2");
        return DigestOf(job, round, settings.RoundNonce, settings.Neighbours, settings.Threshold, roster);
    }

    /// <summary>
    /// The graph a round's settings name, drawn (when sparse) from the opening digest and the revealed seeds of every site
    /// that advertised keys. The roster stays the nodes; the seeds only shuffle them.
    /// </summary>
    public static MaskingGraph Of(SecureRoundSettings settings, Guid job, int round, IEnumerable<(string Site, byte[] Seed)> seeds)
    {
        if (OpeningDigest(settings, job, round) is not { } opening) return Complete;
        return Draw(settings.Roster!, settings.Neighbours, SeededDigest(opening, seeds));
    }

    /// <summary>
    /// A sparse graph drawn from the opening digest alone, as rounds were before graph seeds: only for replaying a journal
    /// that holds such a round (see <c>SecureRoundServer</c>); a live round always draws with every advertiser's seed.
    /// </summary>
    public static MaskingGraph Unseeded(SecureRoundSettings settings, Guid job, int round) =>
        OpeningDigest(settings, job, round) is { } opening ? Draw(settings.Roster!, settings.Neighbours, opening) : Complete;

    /// <summary>SHA-256 of the opening digest and each seed with its site, in site-id order (length-prefixed, so no two sets collide).</summary>
    public static byte[] SeededDigest(byte[] opening, IEnumerable<(string Site, byte[] Seed)> seeds)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes("fedhealth secagg+ seeded graph v1"));
        hash.AppendData(opening);
        foreach (var (site, seed) in seeds.OrderBy(s => s.Site, StringComparer.Ordinal))
        {
            var name = Encoding.UTF8.GetBytes(site);
            hash.AppendData(BitConverter.GetBytes(name.Length));
            hash.AppendData(name);
            hash.AppendData(BitConverter.GetBytes(seed.Length));
            hash.AppendData(seed);
        }
        return hash.GetHashAndReset();
    }

    /// <summary>
    /// What a site signs into its key advertisement before anyone has revealed anything: SHA-256 over a label, job, round,
    /// nonce, site and its 32 random seed bytes. Binding and hiding: nobody can change a seed after seeing others', nor
    /// learn it before it is revealed.
    /// </summary>
    /// <summary>Whether <paramref name="seed"/> is the one <paramref name="site"/> committed to (what coordinator and sites both check).</summary>
    public static bool OpensCommitment(byte[]? commitment, Guid job, int round, byte[] nonce, string site, byte[] seed) =>
        SeedCommitment(job, round, nonce, site, seed).AsSpan().SequenceEqual(commitment);

    public static byte[] SeedCommitment(Guid job, int round, byte[] nonce, string site, byte[] seed)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes("fedhealth secagg+ seed v1"));
        hash.AppendData(job.ToByteArray());
        hash.AppendData(BitConverter.GetBytes(round));
        hash.AppendData(BitConverter.GetBytes(nonce.Length));
        hash.AppendData(nonce);
        var name = Encoding.UTF8.GetBytes(site);
        hash.AppendData(BitConverter.GetBytes(name.Length));
        hash.AppendData(name);
        hash.AppendData(seed);
        return hash.GetHashAndReset();
    }

    /// <summary>The bytes of a graph seed.</summary>
    public const int SeedLength = 32;

    /// <summary>The sites <paramref name="site"/> masks with, among <paramref name="present"/> (the full graph: all of them but itself).</summary>
    public IEnumerable<string> NeighboursOf(string site, IEnumerable<string> present) => neighbours is null
        ? present.Where(p => p != site)
        : neighbours.TryGetValue(site, out var mine) ? present.Where(p => Array.BinarySearch(mine, p, StringComparer.Ordinal) >= 0) : [];

    public bool AreNeighbours(string a, string b) => a != b && (neighbours is null || (neighbours.TryGetValue(a, out var of) &&
        Array.BinarySearch(of, b, StringComparer.Ordinal) >= 0));

    /// <summary>
    /// Who holds a share of <paramref name="owner"/>'s secrets, each with its Shamir point: in the full graph every site
    /// that advertised, numbered in id order (as always); in the sparse graph the owner and its neighbours, numbered in
    /// id order among themselves whether or not they advertised (so a point never depends on who turned up), keeping
    /// those that advertised.
    /// </summary>
    public IReadOnlyList<(string Holder, byte Point)> Holders(string owner, IReadOnlyCollection<string> advertised)
    {
        var candidates = neighbours is null ? advertised : neighbours.TryGetValue(owner, out var mine) ? [owner, .. mine] : [owner];
        var ordered = candidates.Distinct().Order(StringComparer.Ordinal).ToList();
        if (ordered.Count > 255) throw new SecureRoundException($"{ordered.Count} share holders for {owner}; Shamir sharing over GF(2^8) allows at most 255");
        var present = advertised as IReadOnlySet<string> ?? advertised.ToHashSet();
        return ordered.Select((h, i) => (h, (byte)(i + 1))).Where(p => present.Contains(p.h)).ToList();
    }

    /// <summary>The opening digest (that sites sign into their adverts): everything fixed when the attempt opened.</summary>
    public static byte[] DigestOf(Guid job, int round, byte[] nonce, int neighbourCount, int threshold, IReadOnlyList<string> roster)
    {
        var text = $"fedhealth secagg+ graph v1/{job}/{round}/{Convert.ToHexString(nonce)}/{neighbourCount}/{threshold}/" +
            string.Join("\n", roster.Distinct().Order(StringComparer.Ordinal));
        return SHA256.HashData(Encoding.UTF8.GetBytes(text));
    }

    private static MaskingGraph Draw(IReadOnlyList<string> roster, int k, byte[] digest)
    {
        var sites = roster.Distinct().Order(StringComparer.Ordinal).ToArray();
        var n = sites.Length;
        var ring = sites.ToArray();
        var random = new DigestStream(digest);
        for (var i = n - 1; i > 0; i--)
        {
            var j = random.Below(i + 1);
            (ring[i], ring[j]) = (ring[j], ring[i]);
        }
        var half = Math.Min(k / 2, (n - 1) / 2);
        var result = new Dictionary<string, string[]>(StringComparer.Ordinal);
        for (var p = 0; p < n; p++)
        {
            // k ≥ n - 1 leaves no one out: every other site (an odd n - 1 cannot be split evenly either side).
            IEnumerable<string> near = k >= n - 1 ? sites.Where(s => s != ring[p])
                : Enumerable.Range(1, half).SelectMany(d => new[] { ring[(p + d) % n], ring[(p - d + n) % n] });
            result[ring[p]] = near.Distinct().Order(StringComparer.Ordinal).ToArray();
        }
        return new MaskingGraph(result, digest);
    }

    /// <summary>Uniform draws from SHA-256 of the digest and a counter (rejection sampling, so no value is favoured).</summary>
    private sealed class DigestStream(byte[] digest)
    {
        private ulong counter;

        public int Below(int bound)
        {
            var limit = ulong.MaxValue - ulong.MaxValue % (ulong)bound;
            while (true)
            {
                var block = SHA256.HashData([.. digest, .. BitConverter.GetBytes(counter++)]);
                var value = BitConverter.ToUInt64(block, 0);
                if (value < limit) return (int)(value % (ulong)bound);
            }
        }
    }
}
