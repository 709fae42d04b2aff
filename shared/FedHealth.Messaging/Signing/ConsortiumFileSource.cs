using System.Security.Cryptography.X509Certificates;
using FedHealth.Privacy.Crypto;

namespace FedHealth.Messaging.Signing;

/// <summary>
/// The consortium file as it stands now, for a process that must follow the consortium's changes without a restart (a
/// revoked site cut off, an enrolled site or a rotated key taken): <see cref="Check"/> takes the file again when it
/// changed, only a newer version, and, when the consortium's CA is given, only a version that CA signed.
/// </summary>
public sealed class ConsortiumFileSource
{
    private readonly string? path;
    private readonly X509Certificate2? ca;
    private readonly Lock gate = new();
    private DateTime lastWrite;
    private ConsortiumTrust current;

    /// <summary>A fixed file, never reloaded (dashboards, tests, a development site without a CA).</summary>
    public ConsortiumFileSource(ConsortiumTrust trust) => current = trust;

    /// <param name="ca">The consortium CA whose signature every version taken after the first must carry; null: <see cref="Check"/> takes unsigned files
    /// (development), <see cref="Offer"/> takes nothing.</param>
    public ConsortiumFileSource(string path, ConsortiumTrust loaded, X509Certificate2? ca)
    {
        (this.path, this.ca, current) = (path, ca, loaded);
        lastWrite = File.GetLastWriteTimeUtc(path);
    }

    public ConsortiumTrust Current => Volatile.Read(ref current);

    /// <summary>Takes the file again if it changed on disk: the new trust, or why it was refused (the current one stays), or (null, null) when
    /// unchanged.</summary>
    public (ConsortiumTrust? Taken, string? Refused) Check()
    {
        if (path is null) return (null, null);
        lock (gate) return CheckFile(path);
    }

    private (ConsortiumTrust? Taken, string? Refused) CheckFile(string path)
    {
        var written = File.GetLastWriteTimeUtc(path);
        if (written == lastWrite) return (null, null);
        lastWrite = written;
        ConsortiumTrust next;
        try { next = ConsortiumTrust.Load(path); }
        catch (Exception e) when (e is InvalidDataException or IOException) { return (null, e.Message); }
        var problem = Problem(Current, next, ca);
        if (problem is not null) return (null, $"{path}: {problem}; keeping version {Current.Version}");
        Volatile.Write(ref current, next);
        return (next, null);
    }

    /// <summary>
    /// A version another party relayed (a site's, from the coordinator's <c>ConsortiumChanged</c>): taken only when it is
    /// newer, signed by the consortium CA (required here: the relay must not be able to write it) and
    /// <paramref name="acceptable"/> finds nothing wrong with it; then written over the file, so a restart keeps it.
    /// </summary>
    /// <returns>Taken; or not, with the reason (null when the version is the one held already: nothing to say).</returns>
    public (bool Taken, string? Refused) Offer(ConsortiumTrust next, Func<ConsortiumTrust, string?>? acceptable = null)
    {
        lock (gate)
        {
            if (next.Version == Current.Version) return (false, null);
            if (ca is null) return (false,
                $"version {next.Version} not taken: no consortium CA certificate to check its signature against (enrol the site, or set consortiumCaFile)");
            var problem = Problem(Current, next, ca) ?? acceptable?.Invoke(next);
            if (problem is not null) return (false, $"version {next.Version} not taken: {problem}");
            if (path is not null)
            {
                next.Save(path);
                lastWrite = File.GetLastWriteTimeUtc(path);
            }
            Volatile.Write(ref current, next);
            return (true, null);
        }
    }

    /// <summary>Why <paramref name="next"/> may not replace <paramref name="now"/>: not newer, or not signed by the consortium's CA.</summary>
    public static string? Problem(ConsortiumTrust now, ConsortiumTrust next, X509Certificate2? ca)
    {
        if (next.Version <= now.Version)
            return $"version {next.Version} is not newer than version {now.Version} (a rollback, or a change that did not raise the version)";
        if (ca is not null && !next.SignedBy(ca)) return $"version {next.Version} is not signed by the consortium CA ({ca.Subject})";
        return null;
    }
}
