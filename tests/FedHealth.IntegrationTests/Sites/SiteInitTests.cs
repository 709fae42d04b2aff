using FedHealth.Contracts;
using FedHealth.Governance;
using FedHealth.Learning.Models.Architectures;
using FedHealth.SiteAgent;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Sites;

public sealed class SiteInitTests : IDisposable
{
    private readonly TempFolder temp = new();

    [Fact]
    public async Task Init_writes_commented_templates_that_load_once_the_data_paths_are_filled()
    {
        var code = await SiteAgentProgram.RunAsync(["init", "--out", temp.Path, "--site-id", "DE-CHARITE", "--jurisdiction", "DE"]);
        var site = Path.Combine(temp.Path, "site.json");
        File.WriteAllText(site, File.ReadAllText(site)
            .Replace("REPLACE/path/to/extract.csv", Path.Combine(Paths.Federation, "data", "gbsg-germany.csv"))
            .Replace("REPLACE/path/to/schema.json", Path.Combine(Paths.Federation, "schema.gbsg.json")));

        var config = SiteConfigFile.Load(site);
        var policy = SitePolicyFile.Load(Path.Combine(temp.Path, "policy.json"));

        Assert.Equal(0, code);
        Assert.Contains("// ", File.ReadAllText(site));
        Assert.Equal(("DE-CHARITE", "DE"), (config.Site.Id, config.Site.Jurisdiction));
        Assert.Equal("DE", policy.Jurisdiction);
        Assert.Equal(3, config.MinParticipants);
        Assert.Equal(Path.Combine(temp.Path, "state"), config.StateDir);
        var (_, split) = SiteData.Load(config.Data);
        Assert.True(split.Train.Rows > 0);
    }

    [Fact]
    public void Init_writes_a_commented_models_section_that_limits_models_and_takes_both_presets()
    {
        SiteTemplates.Write(temp.Path, "SITE", "DE");
        var path = Path.Combine(temp.Path, "policy.json");

        var models = SitePolicyFile.Load(path).Models;

        Assert.NotNull(models);
        Assert.Empty(models.AllowedDigests);
        Assert.Equal(1_000_000, models.MaxParameters);
        Assert.Equal(["linear", "relu", "gelu", "silu", "tanh", "sigmoid", "dropout", "layernorm"], models.LayerKinds);
        Assert.Equal(["binary", "survival", "multiclass", "regression"], models.Tasks);
        var text = File.ReadAllText(path);
        Assert.Contains("// Networks approved one by one: add the digest", text);
        Assert.Contains("batchnorm1d", text);
        foreach (var spec in new[] { new ModelSpec { Kind = "logistic", Features = 8 }, new ModelSpec { Kind = "mlp", Features = 8 } })
        {
            var model = Architecture.Resolve(spec);
            Assert.Null(ModelApproval.Refusal(models, model.Digest, model.Layout.TotalCount, model.Kinds, ModelTasks.Binary));
        }
        var wide = Architecture.Resolve(new ModelSpec { Kind = "mlp", Features = 8, HiddenUnits = 200_000 });
        Assert.EndsWith("more than the 1,000,000 allowed", ModelApproval.Refusal(models, wide.Digest, wide.Layout.TotalCount, wide.Kinds, ModelTasks.Binary));
    }

    [Fact]
    public void Init_refuses_to_overwrite_naming_the_file_and_writes_nothing()
    {
        var policy = temp.File("policy.json", "{}");

        var error = Assert.Throws<InvalidOperationException>(() => SiteTemplates.Write(temp.Path, "SITE", "DE"));

        Assert.Contains(policy, error.Message);
        Assert.Contains("already exists", error.Message);
        Assert.False(File.Exists(Path.Combine(temp.Path, "site.json")));
    }

    [Fact]
    public async Task Doctor_on_an_unfilled_template_fails_and_names_the_placeholder()
    {
        SiteTemplates.Write(temp.Path, "SITE", "XX");

        var (code, lines) = await SiteDoctorTests.Doctor(Path.Combine(temp.Path, "site.json"));

        Assert.Equal(1, code);
        Assert.Contains(lines, l => l.StartsWith("FAIL policy: ") && l.Contains("'XX'"));
        Assert.Contains(lines, l => l.StartsWith("FAIL data: ") && l.Contains("REPLACE"));
    }

    public void Dispose() => temp.Dispose();
}
