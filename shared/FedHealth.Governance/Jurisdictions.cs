namespace FedHealth.Governance;

/// <summary>
/// The jurisdictions FedHealth knows, by ISO 3166-1 alpha-2 code, with the data-protection regime each falls
/// under. A code outside this list is refused rather than guessed: a transfer rule is only as good as its regime.
/// </summary>
public static class Jurisdictions
{
    public const string Gdpr = "EU/GDPR";
    private static readonly string[] EuMembers =
        ["AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO",
            "SK", "SI", "ES", "SE"];
    private static readonly string[] Eea = ["IS", "LI", "NO"];

    private static readonly Dictionary<string, string> Regimes = EuMembers.ToDictionary(c => c, _ => Gdpr)
        .Concat(Eea.Select(c => KeyValuePair.Create(c, "EEA/GDPR")))
        .Concat(new Dictionary<string, string>
        {
            ["GB"] = "UK GDPR", ["CH"] = "CH/FADP", ["US"] = "US/HIPAA", ["CA"] = "CA/PIPEDA", ["JP"] = "JP/APPI", ["KR"] = "KR/PIPA",
            ["IL"] = "IL/PPL", ["NZ"] = "NZ/Privacy Act", ["AU"] = "AU/Privacy Act", ["BR"] = "BR/LGPD", ["IN"] = "IN/DPDP",
            ["SG"] = "SG/PDPA", ["ZA"] = "ZA/POPIA",
        })
        .ToDictionary(p => p.Key, p => p.Value);

    /// <summary>Groups a policy may name instead of one country.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> Groups = new Dictionary<string, IReadOnlyList<string>>
    {
        ["EU"] = EuMembers,
        ["EEA"] = [.. EuMembers, .. Eea],
    };

    public static IReadOnlyCollection<string> Known => Regimes.Keys;

    public static bool IsKnown(string code) => Regimes.ContainsKey(code);

    public static string RegimeOf(string code) => Regimes.TryGetValue(code, out var regime) ? regime
        : throw new ArgumentException($"unknown jurisdiction '{code}'");

    /// <summary>True when <paramref name="country"/> is the jurisdiction or group <paramref name="rule"/> names.</summary>
    public static bool Covers(string rule, string country) =>
        rule == country || (Groups.TryGetValue(rule, out var members) && members.Contains(country));

    public static bool IsKnownRule(string rule) => IsKnown(rule) || Groups.ContainsKey(rule);
}
