using System.Text.RegularExpressions;

namespace FedHealth.Privacy.Enrolment;

/// <summary>What a site id may look like: it becomes a certificate's CN, a broker user and a queue name.</summary>
public static partial class SiteIds
{
    // \A and \z, not ^ and $: $ also matches before a final newline, and "SITE\n" would become CN=SITE.
    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9_-]{0,62}\z")]
    public static partial Regex Pattern();

    /// <summary>Broker accounts that are not sites: a site enrolled under one of these names would log in as it.</summary>
    public static readonly IReadOnlyList<string> Reserved = ["guest", "admin", "administrator", "coordinator", "dashboard", "fedhealth"];

    public static string? Problem(string id) =>
        !Pattern().IsMatch(id) ? $"'{id}' must be 1-63 letters, digits, '-' or '_'"
        : Reserved.Contains(id, StringComparer.OrdinalIgnoreCase) ? $"'{id}' is reserved for a broker account that is not a site"
        : null;
}
