using FedHealth.Learning.Data;
using FedHealth.Messaging;

namespace FedHealth.SiteAgent.Doctor;

/// <summary>
/// `doctor`: checks a site's setup the way the agent will use it (config, policy, keys, data, images, the models the policy
/// allows, libtorch, device, state folder, clock, certificates, broker, skew against the coordinator's clock), one line
/// per check and what to do about each failure. Exit code 1 when anything fails.
/// </summary>
public static class SiteDoctor
{
    public static async Task<int> RunAsync(string configPath, BusOptions bus, TextWriter output, CancellationToken cancellationToken = default)
    {
        var failed = false;
        async Task Report(CheckResult result)
        {
            failed |= result.Status == CheckStatus.Fail;
            await output.WriteLineAsync(result.ToString());
        }

        var config = ReadConfig(configPath, out var configResult);
        await Report(configResult);
        if (config is not null)
        {
            var policy = CheckPolicy(config, configPath, out var withPolicy);
            await Report(policy);
            await Report(IdentityCheck.Run(withPolicy));
            await Report(DataCheck.Run(withPolicy));
            if (withPolicy.Data.Images is { } images) await Report(ImageSourceCheck.Run(images));
            // A policy that does not load has already failed: what it would allow is unknown.
            if (policy.Status != CheckStatus.Fail)
            {
                await Report(ModelsCheck.Policy(withPolicy.Policy));
                foreach (var preset in ModelsCheck.Presets(withPolicy)) await Report(preset);
            }
        }
        await Report(TorchChecks.Libtorch());
        if (config is not null)
        {
            await Report(TorchChecks.Device(config.Training.Device));
            await Report(DiskSpaceCheck.Run(config.StateDir!));
        }
        await Report(await ClockCheck.Run(cancellationToken));
        if (config is not null) await Report(CertificateCheck.Run(bus, config.Site.Id, DateTimeOffset.UtcNow));
        var broker = await BrokerCheck.Run(bus, cancellationToken);
        await Report(broker);
        // Only once the broker lets this site in is there a way to ask the coordinator anything.
        if (config is not null && broker.Status == CheckStatus.Pass) await Report(await CoordinatorClockCheck.Run(bus, config.Site.Id, cancellationToken));
        return failed ? 1 : 0;
    }

    private static SiteConfig? ReadConfig(string path, out CheckResult result)
    {
        try
        {
            var config = SiteConfigFile.Read(path);
            result = CheckResult.Pass("config", $"{path}: site {config.Site.Id} ({config.Site.Jurisdiction}), training.device {config.Training.Device}");
            return config;
        }
        catch (DataException e)
        {
            result = CheckResult.Fail("config", e.Message, !File.Exists(path)
                ? "give the path of this site's config file (`init --out DIR` writes one to fill in)"
                : $"correct the field named above in {path} (// comments are allowed, unknown fields are not; `init --out DIR` writes a commented template); " +
                    "the other site checks need a config that loads");
            return null;
        }
    }

    private static CheckResult CheckPolicy(SiteConfig config, string path, out SiteConfig withPolicy)
    {
        withPolicy = config;
        if (config.PolicyFile is null)
            return CheckResult.Warn("policy",
                "no policyFile: the agent sends without transfer checks (development only); `init` writes a policy.json to start from");
        try
        {
            withPolicy = SiteConfigFile.WithPolicy(config, path);
            var p = withPolicy.Policy!;
            return CheckResult.Pass("policy", $"{config.PolicyFile}: {p.Jurisdiction}, consortia {string.Join(", ", p.Consortia)}, destinations " +
                $"{string.Join(", ", p.Destinations.Select(d => $"{d.Jurisdiction} ({d.LegalBasis})"))}");
        }
        catch (DataException e)
        {
            return CheckResult.Fail("policy", e.Message, $"correct the field named above in {config.PolicyFile} (its jurisdiction must be site.jurisdiction)");
        }
    }
}
