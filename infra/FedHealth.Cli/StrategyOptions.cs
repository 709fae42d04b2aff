using System.CommandLine;
using FedHealth.Contracts;
using FedHealth.Learning.Strategies;

namespace FedHealth.Cli;

/// <summary>The command-line options that choose a job's strategy: `--strategy fedadam --server-lr 0.1`, `--strategy fedprox --proximal-mu 0.01`.</summary>
public sealed class StrategyOptions
{
    private readonly Option<string> name = new("--strategy") { Description = $"Aggregation strategy: {string.Join(", ", StrategyNames.All)}", DefaultValueFactory = _ => StrategyNames.FedAvg };
    private readonly Option<double> mu = new("--proximal-mu") { Description = "FedProx's μ for the sites' local training (fedprox needs it > 0)", DefaultValueFactory = _ => 0.0 };
    private readonly Option<double> serverLearningRate = new("--server-lr") { Description = "Server learning rate η of fedadam, fedyogi, fedadagrad", DefaultValueFactory = _ => 0.1 };
    private readonly Option<double> trim = new("--trim-fraction") { Description = "trimmedmean: share of sites dropped at each end of every coordinate", DefaultValueFactory = _ => 0.1 };
    private readonly Option<string?> personalise = new("--personalise") { Description = $"A personal model per site beside the global one: {string.Join(" or ", PersonalisationMethods.All)}" };
    private static readonly PersonalisationSpec Defaults = new() { Method = PersonalisationMethods.FineTune };
    private readonly Option<int> epochs = new("--personal-epochs") { Description = "finetune: local epochs on the final global model", DefaultValueFactory = _ => Defaults.Epochs };
    private readonly Option<bool> earlyStopping = new("--personal-early-stopping") { Description = "finetune: each site chooses 0..--personal-epochs by cross-validation on its own training rows" };
    private readonly Option<double> lambda = new("--ditto-lambda") { Description = "ditto: λ, how strongly each personal model is held to the global one", DefaultValueFactory = _ => Defaults.Lambda };
    private readonly Option<bool> crossSite = new("--cross-site")
    {
        Description = "With --personalise: score every final model (global and each site's personal one) on every site's held-out rows; " +
                      "personal models then travel (sites whose policy does not list personalModel keep theirs), so the job runs without secure aggregation",
    };

    private StrategyOptions()
    {
        name.AcceptOnlyFromAmong([.. StrategyNames.All]);
        personalise.AcceptOnlyFromAmong([.. PersonalisationMethods.All]);
    }

    public static StrategyOptions Create() => new();

    public void AddTo(Command command)
    {
        command.Options.Add(name);
        command.Options.Add(mu);
        command.Options.Add(serverLearningRate);
        command.Options.Add(trim);
        command.Options.Add(personalise);
        command.Options.Add(epochs);
        command.Options.Add(earlyStopping);
        command.Options.Add(lambda);
        command.Options.Add(crossSite);
        command.Validators.Add(parsed =>
        {
            if (parsed.GetValue(crossSite) && parsed.GetValue(personalise) is null)
                parsed.AddError("--cross-site compares personal models: it needs --personalise finetune or ditto");
        });
    }

    public PersonalisationSpec? Personalisation(ParseResult result)
    {
        return result.GetValue(personalise) is { } method
            ? new PersonalisationSpec
            {
                Method = method, Epochs = result.GetValue(epochs), Lambda = result.GetValue(lambda),
                EarlyStopping = result.GetValue(earlyStopping), CrossSiteEvaluation = result.GetValue(crossSite),
            }
            : null;
    }

    public StrategySpec Strategy(ParseResult result) => new()
    {
        Name = result.GetValue(name)!, ServerLearningRate = result.GetValue(serverLearningRate), TrimFraction = result.GetValue(trim),
    };

    /// <summary>fedprox without --proximal-mu gets μ = 0.01, so the name alone does what it says.</summary>
    public double ProximalMu(ParseResult result) =>
        result.GetValue(name) == StrategyNames.FedProx && result.GetValue(mu) == 0 ? 0.01 : result.GetValue(mu);
}
