using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using FedHealth.Privacy.Crypto;

namespace FedHealth.Cli;

/// <summary>
/// A consortium's key folder (`provision keys`, and a local federation's data directory): the coordinator's sealing
/// and signing keys, the dashboard's signing key, each listed site's signing key (sites/ID/identity-key.pem), and
/// consortium.json registering their public halves. Existing keys are kept; sites already in consortium.json (those
/// that enrolled with their own keys) stay registered, also when the file predates signed control messages.
/// </summary>
public sealed record ConsortiumKeys(ConsortiumTrust Trust, ECDiffieHellman Sealing, SigningKey CoordinatorSigning, SigningKey Dashboard,
    IReadOnlyDictionary<string, SigningKey> Sites, string File)
{
    public const string SealingKeyFile = "coordinator-key.pem";
    public const string CoordinatorSigningKeyFile = "coordinator-signing-key.pem";
    public const string DashboardKeyFile = "dashboard-key.pem";

    public static string SiteKeyFile(string folder, string siteId) => Path.Combine(folder, "sites", siteId, "identity-key.pem");

    /// <param name="jurisdictions">Where each site is, as its config says; registered in the file for the coordinator to trust.</param>
    public static ConsortiumKeys Provision(string folder, IEnumerable<string> siteIds, IReadOnlyDictionary<string, string>? jurisdictions = null)
    {
        var file = Path.Combine(folder, "consortium.json");
        var sealing = KeyFiles.LoadOrCreateAgreementKey(Path.Combine(folder, SealingKeyFile));
        var signing = KeyFiles.LoadOrCreateIdentity(Path.Combine(folder, CoordinatorSigningKeyFile));
        var dashboard = KeyFiles.LoadOrCreateIdentity(Path.Combine(folder, DashboardKeyFile));
        var identities = siteIds.Distinct().ToDictionary(id => id, id => KeyFiles.LoadOrCreateIdentity(SiteKeyFile(folder, id)));
        var (registered, places, version, revoked) = Registered(file);
        var again = identities.Keys.FirstOrDefault(revoked.ContainsKey);
        if (again is not null)
            throw new InvalidOperationException($"{file}: site {again} was revoked ({revoked[again]}); a revoked id is not provisioned again");
        foreach (var (id, key) in identities) registered[id] = key.PublicKey;
        foreach (var (id, place) in jurisdictions ?? new Dictionary<string, string>()) places[id] = place;
        // Unsigned (this command holds no CA key): a coordinator told to require the CA's signature keeps its current file.
        var trust = new ConsortiumTrust(KeyAgreement.PublicKey(sealing), signing.PublicKey, dashboard.PublicKey, registered)
        {
            Jurisdictions = places, Version = version + 1, Revoked = revoked,
        };
        trust.Save(file);
        return new ConsortiumKeys(trust, sealing, signing, dashboard, identities, file);
    }

    /// <summary>The sites an existing consortium file registers and where, read from those fields alone so an older file's enrolments are kept.</summary>
    private static (Dictionary<string, byte[]> Sites, Dictionary<string, string> Jurisdictions, int Version,
        Dictionary<string, string> Revoked) Registered(string file)
    {
        if (!System.IO.File.Exists(file)) return ([], [], 0, []);
        try
        {
            var root = JsonNode.Parse(System.IO.File.ReadAllText(file));
            var sites = root?["sites"]?.AsObject().ToDictionary(p => p.Key, p => Convert.FromBase64String(p.Value!.GetValue<string>())) ?? [];
            var places = root?["jurisdictions"]?.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>()) ?? [];
            var revoked = root?["revoked"]?.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>()) ?? [];
            return (sites, places, root?["version"]?.GetValue<int>() ?? 0, revoked);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or NullReferenceException)
        {
            throw new InvalidDataException($"{file}: not a consortium file ({e.Message}); move it away to start a new consortium", e);
        }
    }
}
