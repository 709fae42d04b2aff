using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace FedHealth.Privacy.Crypto;

/// <summary>
/// Who belongs to the consortium: each site's registered signing key, the coordinator's key that masked inputs are
/// sealed for, the coordinator's signing key (every message it sends is signed with it) and the dashboard's signing
/// key (only the dashboard may command jobs and query the coordinator). Public keys, SubjectPublicKeyInfo, base64 in
/// the file. Coordinator, dashboard and sites read the same file; messages signed by anyone else are refused.
/// </summary>
public sealed record ConsortiumTrust(byte[] CoordinatorKey, byte[] CoordinatorSigningKey, byte[] DashboardKey, IReadOnlyDictionary<string, byte[]> Sites)
{
    private sealed record FileForm(string CoordinatorKey, string? CoordinatorSigningKey, string? DashboardKey, Dictionary<string, string> Sites,
        Dictionary<string, string>? Jurisdictions = null, int Version = 0, Dictionary<string, string>? Revoked = null, string? Signature = null);

    private static readonly JsonSerializerOptions FileJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>
    /// Raised by every change the consortium signs (an enrolment, a revocation): a coordinator takes a newer file while
    /// it runs and refuses an older one (a rollback to a file that still lists a revoked site).
    /// </summary>
    public int Version { get; init; }

    /// <summary>Sites the consortium revoked, with when and why: never registered again under that id's old key, and named in every refusal.</summary>
    public IReadOnlyDictionary<string, string> Revoked { get; init; } = new Dictionary<string, string>();

    /// <summary>The consortium CA's signature (ECDSA P-256, SHA-256) over everything else in the file; null for an unsigned (development) file.</summary>
    public byte[]? Signature { get; init; }

    /// <summary>
    /// Where each site is (ISO 3166-1 alpha-2), as the consortium registered it at enrolment: the coordinator takes a
    /// site's jurisdiction from here, never from what the site last said. A site missing here (a file from before
    /// jurisdictions were registered) is taken at its signed heartbeat's word.
    /// </summary>
    public IReadOnlyDictionary<string, string> Jurisdictions { get; init; } = new Dictionary<string, string>();

    /// <summary>The registered key of <paramref name="sender"/>; null for a site the file does not register (or anyone).</summary>
    public byte[]? KeyOf(FedHealth.Contracts.MessageSender sender) => sender.Role switch
    {
        FedHealth.Contracts.MessageSenderRole.Coordinator => CoordinatorSigningKey,
        FedHealth.Contracts.MessageSenderRole.Dashboard => DashboardKey,
        FedHealth.Contracts.MessageSenderRole.Site => sender.SiteId is { } id && !Revoked.ContainsKey(id) && Sites.TryGetValue(id, out var key) ? key : null,
        _ => null,
    };

    public static ConsortiumTrust Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: consortium trust file not found", path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>A consortium file's content (as <see cref="ToJson"/> writes it); <paramref name="origin"/> names where it came from in every error.</summary>
    public static ConsortiumTrust Parse(string json, string origin)
    {
        try
        {
            var form = JsonSerializer.Deserialize<FileForm>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web))
                       ?? throw new InvalidDataException($"{origin}: empty");
            // Files written before control messages were signed lack these two keys: refuse them by name rather than
            // run a consortium whose sites would take commands from anyone.
            if (string.IsNullOrEmpty(form.CoordinatorSigningKey) || string.IsNullOrEmpty(form.DashboardKey))
                throw new InvalidDataException(
                    $"{origin}: no {(string.IsNullOrEmpty(form.CoordinatorSigningKey) ? "coordinatorSigningKey" : "dashboardKey")}: " +
                                               "the file predates signed control messages; run `fedhealth provision keys` again on its folder (existing keys " +
                                                   "are kept) and give every member the new file");
            if (form.Sites is null) throw new InvalidDataException($"{origin}: no sites");
            return new ConsortiumTrust(Convert.FromBase64String(form.CoordinatorKey), Convert.FromBase64String(form.CoordinatorSigningKey),
                Convert.FromBase64String(form.DashboardKey), form.Sites.ToDictionary(p => p.Key, p => Convert.FromBase64String(p.Value)))
            {
                Jurisdictions = form.Jurisdictions ?? [],
                Version = form.Version,
                Revoked = form.Revoked ?? [],
                Signature = form.Signature is null ? null : Convert.FromBase64String(form.Signature),
            };
        }
        catch (Exception e) when (e is JsonException or FormatException or ArgumentNullException)
        {
            throw new InvalidDataException($"{origin}: not a consortium trust file ({e.Message})", e);
        }
    }

    /// <summary>The file's content, signature included: what <see cref="Save"/> writes and what travels to sites and in bundles.</summary>
    public string ToJson() => JsonSerializer.Serialize(Form() with { Signature = Signature is null ? null : Convert.ToBase64String(Signature) }, FileJson);

    /// <summary>What the consortium CA signs: the file's content without its signature, keys in a fixed order.</summary>
    public byte[] SignedContent() => JsonSerializer.SerializeToUtf8Bytes(Form(), FileJson);

    private FileForm Form() => new(Convert.ToBase64String(CoordinatorKey), Convert.ToBase64String(CoordinatorSigningKey), Convert.ToBase64String(DashboardKey),
        new SortedDictionary<string, string>(Sites.ToDictionary(p => p.Key, p => Convert.ToBase64String(p.Value)), StringComparer.Ordinal).ToDictionary(),
        new SortedDictionary<string, string>(Jurisdictions.ToDictionary(), StringComparer.Ordinal).ToDictionary(), Version,
        new SortedDictionary<string, string>(Revoked.ToDictionary(), StringComparer.Ordinal).ToDictionary());

    /// <summary>Whether the consortium CA whose certificate is <paramref name="ca"/> signed this file as it stands.</summary>
    public bool SignedBy(X509Certificate2 ca)
    {
        if (Signature is null || ca.GetECDsaPublicKey() is not { } key) return false;
        using (key) return key.VerifyData(SignedContent(), Signature, System.Security.Cryptography.HashAlgorithmName.SHA256);
    }

    /// <summary>Written beside <paramref name="path"/> and moved over it: a reader never sees half a file, and a failure leaves the old one.</summary>
    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = path + ".new";
        File.WriteAllText(temp, ToJson());
        File.Move(temp, path, overwrite: true);
    }
}

/// <summary>Reads or creates the PEM files that hold private keys (the coordinator's sealing key, a site's signing key).</summary>
public static class KeyFiles
{
    public static System.Security.Cryptography.ECDiffieHellman LoadOrCreateAgreementKey(string path)
    {
        var key = KeyAgreement.NewKey();
        if (File.Exists(path)) key.ImportFromPem(File.ReadAllText(path));
        else WritePrivate(path, key.ExportPkcs8PrivateKeyPem());
        return key;
    }

    /// <summary>An ECDSA P-256 key (a TLS client key): loaded when the file exists, else made and written mode 600.</summary>
    public static System.Security.Cryptography.ECDsa LoadOrCreateEcdsa(string path)
    {
        var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        if (File.Exists(path)) key.ImportFromPem(File.ReadAllText(path));
        else WritePrivate(path, key.ExportPkcs8PrivateKeyPem());
        return key;
    }

    public static SigningKey LoadOrCreateIdentity(string path)
    {
        if (File.Exists(path)) return SigningKey.FromPem(File.ReadAllText(path));
        var identity = SigningKey.Create();
        WritePrivate(path, identity.PrivateKeyPem());
        return identity;
    }

    private static void WritePrivate(string path, string pem) => PemFiles.WritePrivate(path, pem);
}
