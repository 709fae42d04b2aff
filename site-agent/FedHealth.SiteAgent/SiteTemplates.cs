using FedHealth.Contracts;
using FedHealth.Governance;

namespace FedHealth.SiteAgent;

/// <summary>`init`: a commented site.json and policy.json for hospital IT to fill in; both load with the real loaders.</summary>
public static class SiteTemplates
{
    public const string ConfigFile = "site.json";
    public const string PolicyFile = "policy.json";
    /// <summary>The policy's default parameter limit: well above the presets on a tabular schema, far below what would need a reviewer's eye.</summary>
    public const long DefaultMaxParameters = 1_000_000;
    /// <summary>The policy's default layer kinds: the presets' and the plain building blocks of a tabular network (no convolutions, no batch norm).</summary>
    public static readonly IReadOnlyList<string> DefaultLayerKinds =
        [LayerKinds.Linear, LayerKinds.Relu, LayerKinds.Gelu, LayerKinds.Silu, LayerKinds.Tanh, LayerKinds.Sigmoid, LayerKinds.Dropout, LayerKinds.LayerNorm];

    /// <returns>The files written; refuses (writing nothing) when either already exists.</returns>
    public static IReadOnlyList<string> Write(string outDir, string siteId, string jurisdiction)
    {
        var files = new[] { Path.Combine(outDir, ConfigFile), Path.Combine(outDir, PolicyFile) };
        if (files.FirstOrDefault(File.Exists) is { } existing)
            throw new InvalidOperationException($"{existing} already exists: init never overwrites; move it away or choose another --out");
        Directory.CreateDirectory(outDir);
        File.WriteAllText(files[0], Site(siteId, jurisdiction));
        File.WriteAllText(files[1], Policy(jurisdiction));
        return files;
    }

    public static string Site(string siteId, string jurisdiction) => $$"""
        // FedHealth site agent configuration. Relative paths are taken from this file's folder.
        // Check it with: doctor --config site.json  (comments like these are allowed; unknown fields are errors)
        {
          "site": {
            // This site's id in the consortium: 1-63 letters, digits, '-' or '_', as registered at provisioning.
            "id": "{{siteId}}",
            // Where the data lives (ISO 3166-1 alpha-2, e.g. DE, NL); must equal the policy's jurisdiction.
            "jurisdiction": "{{jurisdiction}}",
            // Shown on the consortium's dashboard.
            "description": "REPLACE: hospital and cohort",
            // True only for a simulated hospital (a split of a public cohort).
            "simulated": false
          },
          "data": {
            // The local extract: a CSV file with a header row. For a database instead, replace "csv" with
            // "sql": { "provider": "postgresql", "connectionStringEnv": "VAR", "query": "SELECT ... ORDER BY ..." }
            // (docs/site-data.md). Records never leave this site.
            "csv": "REPLACE/path/to/extract.csv",
            // The schema the consortium gave you: which columns, how they become features and the label.
            "schema": "REPLACE/path/to/schema.json",
            // Share of rows held out for evaluation (0..1), and the seed of that split (keep it fixed).
            "testFraction": 0.3,
            "splitSeed": 1,
            // Optional: only some rows, e.g.
            // "rows": { "column": "year", "min": 1990, "max": 2010 },
          },
          "training": {
            // auto: CUDA when present, else CPU. cpu or cuda force one (cuda without a GPU stops the agent).
            "device": "auto"
          },
          // The hospital's transfer policy (what may leave, to where, on which legal basis).
          "policyFile": "policy.json",
          // Where the agent keeps its privacy ledger, audit log and spooled messages; it must be writable.
          "stateDir": "state",
          // Where `enroll` keeps this site's keys, certificates, the consortium file and the broker settings:
          //   enroll request --config site.json   (makes the keys; send the request file it writes to the consortium)
          //   enroll BUNDLE --config site.json    (installs the consortium's answer)
          // Keep this folder readable by the agent's user only.
          "enrolmentDir": "enrolment",
        }

        """;

    public static string Policy(string jurisdiction) => $$"""
        // The hospital's own transfer policy: set by its IT and data protection officer, applied by the site agent to
        // every message it sends, and recorded in its audit log. Comments are allowed; unknown fields are errors.
        {
          // Where this site is (ISO 3166-1 alpha-2): the same as site.jurisdiction in site.json.
          "jurisdiction": "{{jurisdiction}}",
          // The consortia this site works with; jobs from any other are declined.
          "consortia": [ "fedhealth" ],
          // Where the site may send, and the legal basis recorded for each transfer. A jurisdiction is a country code
          // or a group (EU, EEA). Legal bases: {{string.Join(", ", LegalBases.All)}}.
          "destinations": [
            { "jurisdiction": "EU", "legalBasis": "sameRegime" }
          ],
          // What may leave: {{string.Join(", ", DataKinds.FromSites)}}. Patient records never can.
          // Add modelUpdate only if the consortium runs jobs without secure aggregation (plain weights leave then), and
          // personalModel only to let this site's personal model be scored by the other sites (cross-site evaluation).
          "dataKinds": [ "maskedModelUpdate", "aggregateMetrics", "keyExchange" ],
          // The fewest sites this site aggregates with (at least 2; with two, each learns the other's update).
          "minParticipants": 3,
          // Optional: this site's own differential-privacy budget over all jobs, e.g.
          // "privacy": { "epsilonBudget": 8, "delta": 1e-5 },
          // The models this site trains (docs/models.md). A model is a network declared as data from a fixed vocabulary
          // of layers, never code; each has a digest (sha256: and 64 hex digits) of its exact layers and shapes: the job's
          // summary on the dashboard shows it, and `doctor` prints it for the logistic and mlp presets on this site's schema.
          // A model is refused, before any row is read, unless its digest is listed or it stays within every limit below.
          // Deleting this section trains any model that builds (not advised).
          "models": {
            // Networks approved one by one: add the digest of the exact network you reviewed (it is then trained
            // whatever the limits say), e.g. "sha256:0123...". With only digests and no limits, nothing else is trained.
            "allowedDigests": [],
            // Limits for every other model; remove one to not limit on it.
            // The most parameters a model may have (every weight and bias, and batch norm's running statistics).
            "maxParameters": {{DefaultMaxParameters}},
            // The layer kinds it may use (the presets use linear and relu). The others in the vocabulary:
            // {{string.Join(", ", LayerKinds.All.Except(DefaultLayerKinds))}}.
            "layerKinds": [ {{string.Join(", ", DefaultLayerKinds.Select(k => $"\"{k}\""))}} ],
            // What the model predicts: {{string.Join(", ", ModelTasks.All)}}; the site trains only the task its schema's label holds.
            "tasks": [ {{string.Join(", ", ModelTasks.All.Select(t => $"\"{t}\""))}} ]
          },
        }

        """;
}
