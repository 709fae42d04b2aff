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
    }

    public PersonalisationSpec? Personalisation(ParseResult result) => result.GetValue(personalise) is { } method ? new PersonalisationSpec { Method = method } : null;

    public StrategySpec Strategy(ParseResult result) => new()
    {
        Name = result.GetValue(name)!, ServerLearningRate = result.GetValue(serverLearningRate), TrimFraction = result.GetValue(trim),
    };

    /// <summary>fedprox without --proximal-mu gets μ = 0.01, so the name alone does what it says.</summary>
    public double ProximalMu(ParseResult result) =>
        result.GetValue(name) == StrategyNames.FedProx && result.GetValue(mu) == 0 ? 0.01 : result.GetValue(mu);
}
