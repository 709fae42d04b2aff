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
    private DateTime lastWrite;
    private ConsortiumTrust current;

    /// <summary>A fixed file, never reloaded (sites and dashboards, tests).</summary>
    public ConsortiumFileSource(ConsortiumTrust trust) => current = trust;

    /// <param name="ca">The consortium CA whose signature every version taken after the first must carry; null takes unsigned files (development).</param>
    public ConsortiumFileSource(string path, ConsortiumTrust loaded, X509Certificate2? ca)
    {
        (this.path, this.ca, current) = (path, ca, loaded);
        lastWrite = File.GetLastWriteTimeUtc(path);
    }

    public ConsortiumTrust Current => Volatile.Read(ref current);

    /// <summary>Takes the file again if it changed on disk: the new trust, or why it was refused (the current one stays), or (null, null) when unchanged.</summary>
    public (ConsortiumTrust? Taken, string? Refused) Check()
    {
        if (path is null) return (null, null);
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

    /// <summary>Why <paramref name="next"/> may not replace <paramref name="now"/>: not newer, or not signed by the consortium's CA.</summary>
    public static string? Problem(ConsortiumTrust now, ConsortiumTrust next, X509Certificate2? ca)
    {
        if (next.Version <= now.Version) return $"version {next.Version} is not newer than version {now.Version} (a rollback, or a change that did not raise the version)";
        if (ca is not null && !next.SignedBy(ca)) return $"version {next.Version} is not signed by the consortium CA ({ca.Subject})";
        return null;
    }
}
