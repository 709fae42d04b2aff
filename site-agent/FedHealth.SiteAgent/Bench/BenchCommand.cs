using System.Globalization;
using FedHealth.Contracts;
using FedHealth.Learning.Data;
using FedHealth.Learning.Torch;
using Microsoft.Extensions.Configuration;
using static TorchSharp.torch;

namespace FedHealth.SiteAgent.Bench;

/// <summary>`bench --config site.json [--model mlp] [--hidden 256] [--epochs 20] [--batch 32] [--lr 0.05] [--seed 1]`: CPU against CUDA on this site's
/// data.</summary>
public static class BenchCommand
{
    public const string Usage =
        "usage: bench --config SITE.json [--model logistic|mlp|small-cnn|resnet18] [--hidden N] [--epochs N] [--batch N] [--lr X] [--seed N]";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors)
    {
        var options = new ConfigurationBuilder().AddCommandLine(args, new Dictionary<string, string>
        {
            ["--config"] = "config", ["--model"] = "model", ["--hidden"] = "hidden", ["--epochs"] = "epochs", ["--batch"] = "batch", ["--lr"] = "lr",
            ["--seed"] = "seed",
        }).Build();
        if (args.Length % 2 != 0 || options["config"] is not { Length: > 0 } configPath)
        {
            await errors.WriteLineAsync(Usage);
            return 2;
        }
        try
        {
            var config = SiteConfigFile.Read(configPath);
            var data = SiteData.Load(config.Data);
            // An image site trains an image preset (the small CNN unless asked) on its images' shape; a tabular site the mlp.
            var image = ImageInput.ShapeOf(data.Schema.FeatureNames);
            var label = data.Schema.Label;
            var spec = new ModelSpec
            {
                Kind = options["model"] ?? (image is null ? "mlp" : FedHealth.Learning.Models.ModelKinds.SmallCnn),
                Features = image?.Aggregate(1, (a, b) => a * b) ?? data.Split.Train.Width, Input = image, HiddenUnits = Number(options, "hidden", 256),
                Task = label.Task, Classes = label.Kind == LabelDefinition.Multiclass ? label.Classes!.Count : null,
            };
            var plan = new TrainingPlan
            {
                LocalEpochs = Number(options, "epochs", 20), BatchSize = Number(options, "batch", 32),
                LearningRate = double.Parse(options["lr"] ?? "0.05", CultureInfo.InvariantCulture),
            };
            var seed = Number(options, "seed", 1);
            var devices = new List<Device> { CPU };
            if (cuda.is_available()) devices.Add(CUDA);
            await output.WriteLineAsync(
                $"device bench: site {config.Site.Id}, {spec.Kind} ({(image is null ? $"{spec.Features} features" : $"images {string.Join("x", image)}")}" +
                    $"{(spec.Kind == "mlp" ? $", {spec.HiddenUnits} hidden" : "")}), " +
                                        $"{plan.LocalEpochs} epochs of {data.Split.Train.Rows} rows, batch {plan.BatchSize}, learning rate " +
                                            $"{plan.LearningRate}, seed {seed}; test on {data.Split.Test.Rows} rows");
            var runs = DeviceBench.Run(data, config.Site.Id, spec, plan, seed, devices);
            foreach (var line in DeviceBench.Report(runs, spec.Task)) await output.WriteLineAsync(line);
            if (devices.Count == 1)
                await output.WriteLineAsync(
                    "cuda: not available here (torch.cuda.is_available() is false): run this on the GPU machine to compare (docs/site-agent.md, GPU)");
            return 0;
        }
        catch (Exception e) when (e is DataException or ArgumentException or FormatException or OverflowException)
        {
            await errors.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
    }

    private static int Number(IConfiguration options, string name, int fallback) =>
        options[name] is { } text
            ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value
                : throw new ArgumentException($"--{name}: '{text}' is not a positive whole number")
            : fallback;
}
