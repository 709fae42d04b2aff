namespace FedHealth.Messaging;

/// <summary>Queue names, kebab-case, one per role: competing coordinators share one, each site and dashboard has its own.</summary>
public static class EndpointNames
{
    public const string Coordinator = "fedhealth-coordinator";
    public static string Site(string siteId) => $"fedhealth-site-{siteId.ToLowerInvariant()}";
    public static string Dashboard(string instance) => $"fedhealth-dashboard-{instance.ToLowerInvariant()}";
}
