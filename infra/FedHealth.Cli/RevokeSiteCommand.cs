using System.CommandLine;
using FedHealth.Privacy.Crypto;

namespace FedHealth.Cli;

/// <summary>
/// `fedhealth provision revoke`: the consortium revokes a site. Its key and jurisdiction leave the consortium file, the
/// revocation is recorded with when and why, the version rises and the consortium CA signs the file. A running
/// coordinator takes it within seconds and refuses every message of that site from then on; the site's broker account
/// is removed on the broker (the command says how).
/// </summary>
public static class RevokeSiteCommand
{
    public static Command Create()
    {
        var caFolder = new Option<string>("--ca")
        {
            Description = "Folder of the consortium CA (from `provision ca`): it signs the new version", Required = true
        };
        var consortium = new Option<string>("--consortium") { Description = "The consortium file the site is registered in", Required = true };
        var site = new Option<string>("--site") { Description = "The site id to revoke", Required = true };
        var reason = new Option<string>("--reason") { Description = "Why, for the record and every refusal that names it", Required = true };
        var command = new Command("revoke",
            "Revoke a site: remove it from the consortium file (signed, versioned) so the coordinator refuses it.") { caFolder, consortium, site, reason };
        command.SetAction(result => CliErrors.Guarded(() =>
        {
            var file = Path.GetFullPath(result.GetValue(consortium)!);
            var id = result.GetValue(site)!;
            var why = result.GetValue(reason)!.Trim();
            if (why.Length == 0 || why.Any(char.IsControl)) { Console.Error.WriteLine("error: --reason: give a reason in one line"); return 2; }
            using var ca = ConsortiumCa.Load(Path.GetFullPath(result.GetValue(caFolder)!));
            var trust = ConsortiumTrust.Load(file);
            var next = Revocation.Of(trust, id, why, DateTimeOffset.UtcNow, out var problem);
            if (next is null) { Console.Error.WriteLine($"error: {file}: {problem}"); return 2; }
            ca.Signed(next).Save(file);
            Console.WriteLine($"revoked {id} in {file} (version {trust.Version + 1}, signed by the consortium CA)");
            Console.WriteLine($"on the broker: infra/rabbitmq/remove-site-user.sh {id}   (closes its connections, removes its account and its queues)");
            Console.WriteLine("a running coordinator takes the file within seconds; give the new file to every member");
            return 0;
        }));
        return command;
    }
}

/// <summary>What revoking a site does to a consortium file (before the CA signs the next version).</summary>
public static class Revocation
{
    /// <returns>The file without the site and with its revocation recorded; null, with the reason, when it cannot be revoked.</returns>
    public static ConsortiumTrust? Of(ConsortiumTrust trust, string siteId, string reason, DateTimeOffset at, out string? problem)
    {
        problem = trust.Revoked.ContainsKey(siteId) ? $"site {siteId} is already revoked ({trust.Revoked[siteId]})"
            : !trust.Sites.ContainsKey(siteId) ? $"site {siteId} is not registered" : null;
        if (problem is not null) return null;
        return trust with
        {
            Sites = trust.Sites.Where(p => p.Key != siteId).ToDictionary(),
            Jurisdictions = trust.Jurisdictions.Where(p => p.Key != siteId).ToDictionary(),
            Revoked = trust.Revoked.Append(new KeyValuePair<string, string>(siteId, $"revoked {at:yyyy-MM-dd HH:mm} UTC: {reason}")).ToDictionary(),
        };
    }
}
