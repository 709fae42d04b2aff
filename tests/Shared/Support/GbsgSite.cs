using FedHealth.Contracts;
using FedHealth.SiteAgent;

namespace FedHealth.Tests.Support;

/// <summary>The shipped DE-GBSG hospital as the site-agent tests drive it: its config and a round of a job that has it as sole participant.</summary>
public static class GbsgSite
{
    public static readonly string[] Features = ["age", "meno", "size", "grade", "nodes", "pgr", "er", "hormon"];

    public static SiteConfig Config(string stateDir) => SiteConfigFile.Load(Path.Combine(Paths.Sites, "de-gbsg.json")).WithStateDir(stateDir);

    /// <summary>A breast-prognosis round for DE-GBSG alone, coordinated from NL.</summary>
    public static RoundStarted Round(Guid job, int round, ModelSpec model, TrainingPlan training, ModelWeights global) => new()
    {
        JobId = job, Round = round, Schema = "breast-prognosis", FeatureNames = Features, Model = model, Training = training, Seed = 1,
        GlobalWeights = global, Participants = ["DE-GBSG"], Deadline = DateTimeOffset.UtcNow.AddMinutes(1),
        Governance = new JobGovernance
        {
            Consortium = "fedhealth", CoordinatorJurisdiction = "NL", SiteJurisdictions = new Dictionary<string, string> { ["DE-GBSG"] = "DE" },
            InboundLegalBases = new Dictionary<string, string> { ["DE-GBSG"] = "sameRegime" },
        },
    };
}
