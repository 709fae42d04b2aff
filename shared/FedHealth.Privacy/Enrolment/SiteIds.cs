using System.Text.RegularExpressions;

namespace FedHealth.Privacy.Enrolment;

/// <summary>What a site id may look like: it becomes a certificate's CN, a broker user and a queue name.</summary>
public static partial class SiteIds
{
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$")]
    public static partial Regex Pattern();

    public static string? Problem(string id) =>
        Pattern().IsMatch(id) ? null : $"'{id}' must be 1-63 letters, digits, '-' or '_'";
}
