using System.CommandLine;
using System.Text.Json;
using FedHealth.Privacy.Accounting;

namespace FedHealth.Cli;

/// <summary>`fedhealth privacy epsilon`: the accountant on the command line, for planning a job's DP settings.</summary>
public static class PrivacyCommands
{
    public static Command Create()
    {
        var noise = new Option<double>("--noise-multiplier") { Description = "Noise standard deviation over the clip norm (sigma)", Required = true };
        var rate = new Option<double>("--sampling-rate") { Description = "Poisson sampling rate q per step (expected batch / rows)", Required = true };
        var steps = new Option<long>("--steps") { Description = "Number of DP-SGD steps", Required = true };
        var delta = new Option<double>("--delta") { Description = "Target delta", DefaultValueFactory = _ => 1e-5 };
        var json = new Option<bool>("--json") { Description = "Print {\"epsilon\":..,\"order\":..}" };
        var epsilon = new Command("epsilon", "Epsilon of DP-SGD (sampled Gaussian mechanism, Rényi-DP accountant) for planning a job.")
        {
            noise, rate, steps, delta, json,
        };
        epsilon.SetAction(result =>
        {
            PrivacyCost cost;
            try
            {
                cost = RdpAccountant.Epsilon(result.GetValue(rate), result.GetValue(noise), result.GetValue(steps), result.GetValue(delta));
            }
            catch (ArgumentOutOfRangeException e)
            {
                Console.Error.WriteLine($"error: --{OptionName(e.ParamName)}: {e.Message.Split(" (Parameter")[0]}");
                return 2;
            }
            if (result.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(new { epsilon = cost.Epsilon, order = cost.Order }));
            else
                Console.WriteLine($"epsilon = {cost.Epsilon:F4} at delta = {cost.Delta:G} (best Rényi order {cost.Order}); " +
                                  $"DP-SGD with sampling rate {result.GetValue(rate):G}, noise multiplier {result.GetValue(noise):G}, " +
                                      $"{result.GetValue(steps)} steps");
            return 0;
        });
        return new Command("privacy", "Differential-privacy planning tools.") { epsilon };
    }

    private static string OptionName(string? parameter) => parameter switch
    {
        "samplingRate" => "sampling-rate",
        "noiseMultiplier" => "noise-multiplier",
        "delta" => "delta",
        _ => "steps",
    };
}
