using System.CommandLine;
using FedHealth.Contracts;
using FedHealth.Learning.Strategies;

namespace FedHealth.Cli;

/// <summary>
/// How personal models train, the same options for `fedhealth local` and `bench strategies`: `--personal-epochs`,
/// `--personal-early-stopping`, `--ditto-lambda`, defaulting to the job spec's own defaults.
/// </summary>
public sealed class PersonalModelOptions
{
    public static readonly PersonalisationSpec Defaults = new() { Method = PersonalisationMethods.FineTune };
    private readonly Option<int> epochs = new("--personal-epochs")
    {
        Description = "finetune: local epochs on the final global model",
        DefaultValueFactory = _ => Defaults.Epochs
    };
    private readonly Option<bool> earlyStopping = new("--personal-early-stopping")
    {
        Description = "finetune: each site chooses 0..--personal-epochs by cross-validation on its own training rows"
    };
    private readonly Option<double> lambda = new("--ditto-lambda")
    {
        Description = "ditto: λ, how strongly each personal model is held to the global one",
        DefaultValueFactory = _ => Defaults.Lambda
    };

    public void AddTo(Command command)
    {
        command.Options.Add(epochs);
        command.Options.Add(earlyStopping);
        command.Options.Add(lambda);
    }

    /// <summary>The personalisation settings given on the command line, for <paramref name="method"/>.</summary>
    public PersonalisationSpec For(ParseResult result, string method) => new()
    {
        Method = method, Epochs = result.GetValue(epochs), Lambda = result.GetValue(lambda), EarlyStopping = result.GetValue(earlyStopping),
    };
}
