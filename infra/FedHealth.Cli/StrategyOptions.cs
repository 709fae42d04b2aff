using System.CommandLine;
using FedHealth.Contracts;
using FedHealth.Learning.Strategies;

namespace FedHealth.Cli;

/// <summary>The command-line options that choose a job's strategy: `--strategy fedadam --server-lr 0.1`, `--strategy fedprox --proximal-mu 0.01`.</summary>
public sealed class StrategyOptions
{
    private readonly Option<string> name = new("--strategy")
    {
        Description = $"Aggregation strategy: {string.Join(", ", StrategyNames.All)}",
        DefaultValueFactory = _ => StrategyNames.FedAvg
    };
    private readonly Option<double> mu = new("--proximal-mu")
    {
        Description = "FedProx's μ for the sites' local training (fedprox needs it > 0)",
        DefaultValueFactory = _ => 0.0
    };
    private readonly Option<double> serverLearningRate = ServerLearningRate("Server learning rate η of fedadam, fedyogi, fedadagrad");
    private readonly Option<double> trim = new("--trim-fraction")
    {
        Description = "trimmedmean: share of sites dropped at each end of every coordinate",
        DefaultValueFactory = _ => 0.1
    };
    private readonly Option<string?> personalise = new("--personalise")
    {
        Description = $"A personal model per site beside the global one: {string.Join(" or ", PersonalisationMethods.All)}"
    };
    private readonly Option<string?> localBatchNorm = new("--local-batch-norm")
    {
        Description = "FedBN: what of each batch-norm layer stays at each site: statistics (running mean and variance) or all (also its scale and shift)",
    };
    private readonly PersonalModelOptions personalModels = new();
    private readonly Option<bool> crossSite = new("--cross-site")
    {
        Description = "With --personalise: score every final model (global and each site's personal one) on every site's held-out rows; " +
                      "personal models then travel (sites whose policy does not list personalModel keep theirs), so the job runs without secure aggregation",
    };

    private StrategyOptions()
    {
        name.AcceptOnlyFromAmong([.. StrategyNames.All]);
        personalise.AcceptOnlyFromAmong([.. PersonalisationMethods.All]);
        localBatchNorm.AcceptOnlyFromAmong([.. LocalBatchNorm.Modes]);
    }

    public static StrategyOptions Create() => new();

    /// <summary>`--server-lr`: the server optimisers' η, defaulting to the job spec's.</summary>
    public static Option<double> ServerLearningRate(string description) =>
        new("--server-lr") { Description = description, DefaultValueFactory = _ => StrategySpec.DefaultServerLearningRate };

    public void AddTo(Command command)
    {
        command.Options.Add(name);
        command.Options.Add(mu);
        command.Options.Add(serverLearningRate);
        command.Options.Add(trim);
        command.Options.Add(localBatchNorm);
        command.Options.Add(personalise);
        personalModels.AddTo(command);
        command.Options.Add(crossSite);
        command.Validators.Add(parsed =>
        {
            if (parsed.GetValue(crossSite) && parsed.GetValue(personalise) is null)
                parsed.AddError("--cross-site compares personal models: it needs --personalise finetune or ditto");
        });
    }

    public PersonalisationSpec? Personalisation(ParseResult result) =>
        result.GetValue(personalise) is { } method ? personalModels.For(result, method) with { CrossSiteEvaluation = result.GetValue(crossSite) } : null;

    public StrategySpec Strategy(ParseResult result) => new()
    {
        Name = result.GetValue(name)!, ServerLearningRate = result.GetValue(serverLearningRate), TrimFraction = result.GetValue(trim),
        LocalBatchNorm = result.GetValue(localBatchNorm),
    };

    /// <summary>fedprox without --proximal-mu gets μ = 0.01, so the name alone does what it says.</summary>
    public double ProximalMu(ParseResult result) =>
        result.GetValue(name) == StrategyNames.FedProx && result.GetValue(mu) == 0 ? 0.01 : result.GetValue(mu);
}
