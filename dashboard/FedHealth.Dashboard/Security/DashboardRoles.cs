namespace FedHealth.Dashboard.Security;

/// <summary>
/// Who may do what. Leads launch, stop and resume jobs; auditors and site admins read everything (jobs, sites,
/// the transfer ledger) and change nothing. Every endpoint and the hub check these server-side.
/// </summary>
public static class DashboardRoles
{
    public const string Lead = "lead";
    public const string Auditor = "auditor";
    public const string SiteAdmin = "site-admin";

    public static readonly IReadOnlyList<string> All = [Lead, Auditor, SiteAdmin];

    /// <summary>Policy: any signed-in user (every role reads).</summary>
    public const string ReadPolicy = "read";
    /// <summary>Policy: leads only (launch, stop, resume).</summary>
    public const string LeadPolicy = "lead";

    public static bool IsKnown(string role) => All.Contains(role);
}
