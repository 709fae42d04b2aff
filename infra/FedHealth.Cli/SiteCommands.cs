using System.CommandLine;
using FedHealth.SiteAgent;

namespace FedHealth.Cli;

/// <summary>
/// `fedhealth site VERB`: the site agent's verbs with their options, so `--help` lists them like every other verb. Each
/// verb hands its arguments, as given, to the site agent's own program (the one implementation, which the deployable's
/// scripts call too); `run` and `doctor` pass on the bus settings (`--Bus:Key=value`) they do not declare.
/// </summary>
public static class SiteCommands
{
    public static Command Create()
    {
        var site = new Command("site", "The site agent deployable: a hospital's agent and its setup (init, enroll, doctor, run, bench).")
        {
            Init(), Enroll(), Doctor(), Run(), Bench(),
        };
        return site;
    }

    private static Option<string> Config(string what) => new("--config") { Description = what, Required = true };

    private static Command Init()
    {
        var output = new Option<string>("--out") { Description = "Folder to write a commented site.json and policy.json into", Required = true };
        var siteId = new Option<string?>("--site-id") { Description = "The site's id (REPLACE-SITE-ID when left out)" };
        var jurisdiction = new Option<string?>("--jurisdiction") { Description = "The site's country code, e.g. NL (XX when left out)" };
        var command = new Command("init", "Write a commented site.json and policy.json to fill in.") { output, siteId, jurisdiction };
        command.SetAction(async (result, _) => await SiteAgentProgram.RunAsync(
        [
            "init", "--out", result.GetValue(output)!,
            .. Pair("--site-id", result.GetValue(siteId)), .. Pair("--jurisdiction", result.GetValue(jurisdiction)),
        ]));
        return command;
    }

    private static Command Enroll()
    {
        var requestConfig = Config("The site's site.json");
        var rotate = new Option<bool>("--rotate") { Description = "Make a new identity key and ask the consortium to register it" };
        var request = new Command("request", "Make this site's keys and the enrolment request to send the consortium.") { requestConfig, rotate };
        request.SetAction(async (result, _) => await SiteAgentProgram.RunAsync(
            ["enroll", "request", "--config", result.GetValue(requestConfig)!, .. result.GetValue(rotate) ? ["--rotate"] : Array.Empty<string>()]));

        var bundle = new Argument<string>("BUNDLE") { Description = "The consortium's answer (provision site's bundle) to check and install" };
        var config = Config("The site's site.json");
        var fingerprint = new Option<string?>("--ca-fingerprint") { Description = "The consortium CA's SHA-256 fingerprint, as published, to check" };
        var replaceCa = new Option<bool>("--replace-ca") { Description = "Accept a bundle whose CA differs from the one installed" };
        var enroll = new Command("enroll", "Install the consortium's answer to this site's enrolment request (or make the request: enroll request).")
        {
            bundle, config, fingerprint, replaceCa, request,
        };
        enroll.SetAction(async (result, _) => await SiteAgentProgram.RunAsync(
        [
            "enroll", result.GetValue(bundle)!, "--config", result.GetValue(config)!, .. Pair("--ca-fingerprint", result.GetValue(fingerprint)),
            .. result.GetValue(replaceCa) ? ["--replace-ca"] : Array.Empty<string>(),
        ]));
        return enroll;
    }

    private static Command Doctor()
    {
        var config = Config("The site's site.json");
        var command = new Command("doctor",
            "Check the site's setup: configuration, data, policy, keys, the broker (--Bus:Key=value overrides the enrolment's); exit 1 if anything fails.")
        {
            config,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (result, _) =>
            await SiteAgentProgram.RunAsync(["doctor", "--config", result.GetValue(config)!, .. result.UnmatchedTokens]));
        return command;
    }

    private static Command Run()
    {
        var config = Config("The site's site.json");
        var command = new Command("run",
            "Run the site agent: take part in the consortium's jobs as the policy allows (--Bus:Key=value overrides the enrolment's).")
        {
            config,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (result, _) =>
            await SiteAgentProgram.RunAsync(["run", "--config", result.GetValue(config)!, .. result.UnmatchedTokens]));
        return command;
    }

    private static Command Bench()
    {
        var config = Config("The site's site.json");
        var model = new Option<string?>("--model") { Description = "logistic or mlp (default mlp)" };
        model.AcceptOnlyFromAmong("logistic", "mlp");
        var hidden = new Option<int?>("--hidden") { Description = "MLP hidden units (default 256)" };
        var epochs = new Option<int?>("--epochs") { Description = "Epochs (default 20)" };
        var batch = new Option<int?>("--batch") { Description = "Batch size (default 32)" };
        var learningRate = new Option<string?>("--lr") { Description = "Learning rate (default 0.05)" };
        var seed = new Option<int?>("--seed") { Description = "Seed (default 1)" };
        var command = new Command("bench", "Train on this site's data on the CPU and on CUDA when present, and compare step times and metrics.")
        {
            config, model, hidden, epochs, batch, learningRate, seed,
        };
        command.SetAction(async (result, _) => await SiteAgentProgram.RunAsync(
        [
            "bench", "--config", result.GetValue(config)!, .. Pair("--model", result.GetValue(model)), .. Pair("--hidden", result.GetValue(hidden)),
            .. Pair("--epochs", result.GetValue(epochs)), .. Pair("--batch", result.GetValue(batch)), .. Pair("--lr", result.GetValue(learningRate)),
            .. Pair("--seed", result.GetValue(seed)),
        ]));
        return command;
    }

    private static string[] Pair(string name, object? value) =>
        value is null ? [] : [name, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!];
}
