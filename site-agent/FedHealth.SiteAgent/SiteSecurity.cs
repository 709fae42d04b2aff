using System.Security.Cryptography.X509Certificates;
using FedHealth.Contracts;
using FedHealth.Messaging.Signing;
using FedHealth.Privacy.Crypto;
using FedHealth.Privacy.Enrolment;

namespace FedHealth.SiteAgent;

/// <summary>
/// A site's key material for signed messages and secure rounds: its signing identity and the consortium file, both as
/// they stand now. The consortium file follows the versions the coordinator relays (CA-signed, newer only), and the
/// identity follows a rotation: when a version registers the site's next key, the site signs with it from then on.
/// </summary>
public sealed class SiteSecurity
{
    private readonly string siteId;
    private readonly string? identityKeyFile;

    public SiteSecurity(string siteId, SigningKey identity, ConsortiumFileSource consortium, string? identityKeyFile = null)
    {
        (this.siteId, this.identityKeyFile) = (siteId, identityKeyFile);
        Signing = new SigningIdentity(identity);
        Consortium = consortium;
    }

    /// <summary>For tests and simulations: a fixed consortium file, never updated.</summary>
    public SiteSecurity(SigningKey identity, ConsortiumTrust trust, string siteId = "")
        : this(siteId, identity, new ConsortiumFileSource(trust)) { }

    public SigningIdentity Signing { get; }
    public ConsortiumFileSource Consortium { get; }
    /// <summary>The key the site signs with now.</summary>
    public SigningKey Identity => Signing.Current;
    /// <summary>The consortium file as the site holds it now.</summary>
    public ConsortiumTrust Trust => Consortium.Current;

    public static SiteSecurity? Load(SiteConfig config)
    {
        if (config.ConsortiumFile is null || config.IdentityKeyFile is null) return null;
        if (!File.Exists(config.IdentityKeyFile)) throw new InvalidOperationException($"{config.IdentityKeyFile}: the site's identity key is missing");
        var trust = ConsortiumTrust.Load(config.ConsortiumFile);
        if (trust.Revoked.TryGetValue(config.Site.Id, out var revoked))
            throw new InvalidOperationException($"{config.ConsortiumFile}: the consortium revoked site {config.Site.Id} ({revoked})");
        var ca = config.ConsortiumCaFile is { } caFile ? X509Certificate2.CreateFromPem(File.ReadAllText(caFile)) : null;
        var security = new SiteSecurity(config.Site.Id, SigningKey.FromPem(File.ReadAllText(config.IdentityKeyFile)),
            new ConsortiumFileSource(config.ConsortiumFile, trust, ca), config.IdentityKeyFile);
        if (security.RegisteredKey(trust) is not { } registered || !registered.AsSpan().SequenceEqual(security.Identity.PublicKey))
        {
            // A rotation finished while the agent was stopped: the file registers the next key, promoted now.
            if (security.Promote(trust) is null)
                throw new InvalidOperationException(
                    $"{config.ConsortiumFile}: site {config.Site.Id} is not registered with the key in {config.IdentityKeyFile}");
        }
        return security;
    }

    /// <summary>Where a site keeps the key it will rotate to (`enroll request --rotate`) until the consortium registers it.</summary>
    public static string NextKeyFile(string identityKeyFile) =>
        Path.Combine(Path.GetDirectoryName(identityKeyFile)!, Path.GetFileNameWithoutExtension(identityKeyFile) + ".next" + Path.GetExtension(identityKeyFile));

    /// <summary>
    /// Takes the consortium file the coordinator relayed when it is newer and the consortium CA signed it, and switches
    /// to the site's next key if the new version registers it. Answers a line for the site's log (null: nothing new).
    /// </summary>
    public (bool Taken, string? Log) Take(ConsortiumChanged changed)
    {
        ConsortiumTrust next;
        try { next = ConsortiumTrust.Parse(changed.Consortium, $"consortium file version {changed.Version} from the coordinator"); }
        catch (InvalidDataException e) { return (false, e.Message); }
        if (next.Version != changed.Version)
            return (false, $"consortium file from the coordinator: the message says version {changed.Version}, the file {next.Version}");
        var (taken, refused) = Consortium.Offer(next, Unusable);
        if (!taken) return (false, refused);
        var what = $"consortium file version {next.Version} taken: {next.Sites.Count} sites registered" +
                   (next.Revoked.Count == 0 ? "" : $", revoked: {string.Join("; ", next.Revoked.Keys)}");
        if (next.Revoked.TryGetValue(siteId, out var revoked)) return (true, $"{what}; this site was revoked ({revoked}): the federation refuses its messages");
        if (RegisteredKey(next)!.AsSpan().SequenceEqual(Identity.PublicKey)) return (true, what);
        var promoted = Promote(next);
        return (true, $"{what}; this site now signs with its rotated key {EnrolmentIssuer.Fingerprint(promoted!.PublicKey)}");
    }

    /// <summary>Why this site cannot take <paramref name="next"/>: it registers a key for the site that the site does not hold (it could no longer
    /// sign).</summary>
    private string? Unusable(ConsortiumTrust next)
    {
        if (next.Revoked.ContainsKey(siteId)) return null;
        if (RegisteredKey(next) is not { } registered) return $"it does not register this site ({siteId})";
        if (registered.AsSpan().SequenceEqual(Identity.PublicKey) || HeldKey(registered) is not null) return null;
        return $"it registers another key for this site ({EnrolmentIssuer.Fingerprint(registered)}) than any this site holds";
    }

    private byte[]? RegisteredKey(ConsortiumTrust trust) => trust.Sites.TryGetValue(siteId, out var key) ? key : null;

    /// <summary>The site's key on disk whose public half is <paramref name="registered"/>: the next key of a rotation, or the identity file (rotated by
    /// `enroll`).</summary>
    private (SigningKey Key, string File)? HeldKey(byte[] registered)
    {
        if (identityKeyFile is null) return null;
        foreach (var file in new[] { NextKeyFile(identityKeyFile), identityKeyFile })
        {
            if (!File.Exists(file)) continue;
            var key = SigningKey.FromPem(File.ReadAllText(file));
            if (key.PublicKey.AsSpan().SequenceEqual(registered)) return (key, file);
            key.Dispose();
        }
        return null;
    }

    /// <summary>Switches to the held key <paramref name="trust"/> registers; the next key's file becomes the identity file. Null when none is held.</summary>
    private SigningKey? Promote(ConsortiumTrust trust)
    {
        if (RegisteredKey(trust) is not { } registered || HeldKey(registered) is not var (key, file)) return null;
        if (file != identityKeyFile) File.Move(file, identityKeyFile!, overwrite: true);
        Signing.Replace(key);
        return key;
    }
}
