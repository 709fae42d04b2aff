using FedHealth.Learning.Data;
using FedHealth.Messaging;
using Microsoft.Extensions.Configuration;

namespace FedHealth.SiteAgent;

/// <summary>
/// The Bus settings a site runs with: the broker settings `enroll` installed (when the config has an enrolment
/// folder), overridden by FEDHEALTH_Bus__* variables, overridden by --Bus:* arguments.
/// </summary>
public static class SiteBusSettings
{
    public static BusOptions For(string configPath, IEnumerable<string> settings)
    {
        var builder = new ConfigurationBuilder();
        if (EnrolledBrokerFile(configPath) is { } brokerFile) builder.AddJsonFile(brokerFile, optional: false, reloadOnChange: false);
        builder.AddEnvironmentVariables("FEDHEALTH_").AddCommandLine(settings.ToArray());
        return builder.Build().GetSection("Bus").Get<BusOptions>() ?? new BusOptions();
    }

    /// <summary>The enrolment's broker.json, when the config names an enrolment folder and `enroll` has filled it.</summary>
    public static string? EnrolledBrokerFile(string configPath)
    {
        try
        {
            return SiteConfigFile.Read(configPath).EnrolmentDir is { } dir && new EnrolmentFolder(dir).BrokerSettings is var file
                && File.Exists(file) ? file : null;
        }
        catch (DataException)
        {
            return null; // a config that does not load is reported by whoever reads it next (run, doctor)
        }
    }
}
