using FedHealth.Contracts;
using FedHealth.Messaging;
using FedHealth.Tests.Support;
using MassTransit;

namespace FedHealth.Tests.Messaging;

/// <summary>The site account's permissions follow the contracts, and the file the broker script reads is theirs.</summary>
public sealed class BrokerPermissionsTests
{
    [Fact]
    public void The_template_the_broker_script_reads_is_the_one_made_from_the_contracts()
    {
        var (configure, write, read) = BrokerPermissions.SiteTemplate();
        var file = File.ReadAllLines(Path.Combine(Paths.RepositoryRoot, "infra", "rabbitmq", "site-permissions.txt"));
        Assert.True(file.SequenceEqual([configure, write, read]),
            "infra/rabbitmq/site-permissions.txt is stale: regenerate it with `./fedhealth provision broker-permissions > " +
                "infra/rabbitmq/site-permissions.txt`");
    }

    [Fact]
    public void A_site_may_read_what_its_agent_consumes_and_publish_only_what_names_a_site()
    {
        var consumed = typeof(FedHealth.SiteAgent.SiteRoundConsumer).GetInterfaces()
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IConsumer<>)).Select(i => i.GetGenericArguments()[0]);
        Assert.All(consumed, t => Assert.Contains(t, BrokerPermissions.SiteReceives));
        Assert.DoesNotContain(typeof(CreateJob), BrokerPermissions.SiteSends);
        Assert.DoesNotContain(typeof(RoundStarted), BrokerPermissions.SiteSends);
        Assert.Contains(typeof(UpdateSubmitted), BrokerPermissions.SiteSends);

        var (_, write, read) = BrokerPermissions.ForSite("DE-GBSG");
        bool Matches(string pattern, string name) => System.Text.RegularExpressions.Regex.IsMatch(name, pattern);
        Assert.True(Matches(read, "fedhealth-site-de-gbsg"));
        Assert.False(Matches(read, "fedhealth-site-de-gbsg2"));
        Assert.False(Matches(read, "fedhealth-site-nl-rotterdam-a"));
        Assert.False(Matches(read, "fedhealth-coordinator"));
        Assert.True(Matches(write, "FedHealth.Contracts:UpdateSubmitted"));
        Assert.False(Matches(write, "FedHealth.Contracts:RoundStarted"));
        Assert.False(Matches(write, "FedHealth.ContractsXRoundStarted"));
    }
}
