using System.Text.Json;
using System.Text.Json.Serialization;

namespace FedHealth.Governance;

/// <summary>A policy file that cannot be used; the message names the file, and the line or field at fault.</summary>
public sealed class PolicyException(string message) : Exception(message);

/// <summary>Reads a site policy strictly (unknown fields, unknown jurisdictions, kinds or legal bases are errors).</summary>
public static class SitePolicyFile
{
    private static readonly JsonSerializerOptions Strict = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
    };

    public static SitePolicy Load(string path)
    {
        if (!File.Exists(path)) throw new PolicyException($"{path}: policy file not found");
        var text = File.ReadAllText(path);
        SitePolicy? policy;
        try { policy = JsonSerializer.Deserialize<SitePolicy>(text, Strict); }
        catch (JsonException e)
        {
            var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $" (field {e.Path})";
            var message = e.Message.Split(" Path:")[0];
            throw new PolicyException($"{path}: line {(e.LineNumber ?? 0) + 1}, position {(e.BytePositionInLine ?? 0) + 1}{field}: {message}");
        }
        if (policy is null) throw new PolicyException($"{path}: the file holds no policy");
        var problems = Problems(policy).Select(p => $"{p.Field} (line {LineOf(text, p.Field, p.Value)}): {p.What}").ToList();
        if (problems.Count > 0) throw new PolicyException($"{path}: {string.Join("; ", problems)}");
        return policy;
    }

    private static IEnumerable<(string Field, string Value, string What)> Problems(SitePolicy p)
    {
        if (!Jurisdictions.IsKnown(p.Jurisdiction))
            yield return ("jurisdiction", p.Jurisdiction,
                $"'{p.Jurisdiction}' is not a known ISO 3166-1 alpha-2 jurisdiction (known: {string.Join(", ", Jurisdictions.Known.Order())})");
        for (var i = 0; i < p.Destinations.Count; i++)
        {
            var d = p.Destinations[i];
            if (!Jurisdictions.IsKnownRule(d.Jurisdiction))
                yield return ($"destinations[{i}].jurisdiction", d.Jurisdiction, $"'{d.Jurisdiction}' is not a known jurisdiction or group (EU, EEA)");
            if (!LegalBases.All.Contains(d.LegalBasis))
                yield return ($"destinations[{i}].legalBasis", d.LegalBasis, $"'{d.LegalBasis}' is not one of {string.Join(", ", LegalBases.All)}");
        }
        for (var i = 0; i < p.DataKinds.Count; i++)
            if (!DataKinds.FromSites.Contains(p.DataKinds[i]))
                yield return ($"dataKinds[{i}]", p.DataKinds[i],
                    $"'{p.DataKinds[i]}' is not one of {string.Join(", ", DataKinds.FromSites)} (records can never be sent)");
        if (p.MinParticipants is < 2) yield return ("minParticipants", p.MinParticipants.ToString()!, "must be at least 2");
        if (p.Privacy is { } privacy && (!(privacy.EpsilonBudget > 0) || !(privacy.Delta is > 0 and < 1)))
            yield return ("privacy", "privacy", "epsilonBudget must be positive and delta in (0, 1)");
        if (p.Models is { } models)
            foreach (var problem in ModelApproval.Problems(models)) yield return problem;
    }

    /// <summary>The 1-based line where a field's value first appears, so IT can go straight to it.</summary>
    private static int LineOf(string text, string field, string value)
    {
        var lines = text.Split('\n');
        var key = field.Split('.', '[')[^1].TrimEnd(']');
        for (var i = 0; i < lines.Length; i++)
            if (lines[i].Contains($"\"{value}\"") || (lines[i].Contains($"\"{key}\"") && lines[i].Contains(value)))
                return i + 1;
        return 1;
    }
}
