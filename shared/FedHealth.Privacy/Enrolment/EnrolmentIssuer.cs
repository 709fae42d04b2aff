using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FedHealth.Contracts;
using FedHealth.Privacy.Crypto;

namespace FedHealth.Privacy.Enrolment;

/// <summary>
/// The consortium's side of enrolment (`fedhealth provision site`): checks a hospital's request (its CSR is signed
/// by the TLS key it names, the identity key signed the CSR, the names are what they claim), registers the identity
/// key in the consortium file, and answers with a bundle holding the client certificate the CA issued for that key.
/// </summary>
public static class EnrolmentIssuer
{
    public static EnrolmentBundle Issue(ConsortiumCa ca, string consortiumFile, EnrolmentRequest request, string brokerUri, string? brokerServerName,
        bool replaceKey = false, DateTimeOffset? now = null)
    {
        var problems = RequestProblems(request, out var csr, out var identityKey);
        if (BrokerProblem(brokerUri) is { } broker) problems.Add(broker);
        if (problems.Count > 0) throw new EnrolmentException($"enrolment request of '{request.SiteId}': {string.Join("; ", problems)}");

        var trust = ConsortiumTrust.Load(consortiumFile);
        if (trust.Sites.TryGetValue(request.SiteId, out var registered) && !registered.AsSpan().SequenceEqual(identityKey) && !replaceKey
            && !Rotation(request, registered, consortiumFile))
            throw new EnrolmentException($"{consortiumFile}: site {request.SiteId} is already registered with another identity key " +
                                         $"({Fingerprint(registered)}, the request has {Fingerprint(identityKey!)}) and the request carries no proof from " +
                                             "the registered key; " +
                                         "a site rotating its key asks with `enroll request --rotate`; if the site really lost its key, enrol it again " +
                                             "with --replace-key");
        var sites = trust.Sites.ToDictionary(p => p.Key, p => p.Value);
        sites[request.SiteId] = identityKey!;
        var places = trust.Jurisdictions.ToDictionary(p => p.Key, p => p.Value);
        places[request.SiteId] = request.Jurisdiction;
        if (trust.Revoked.TryGetValue(request.SiteId, out var revoked))
            throw new EnrolmentException(
                $"{consortiumFile}: site {request.SiteId} was revoked ({revoked}); a revoked id is not enrolled again, enrol the hospital under a new id");
        var updated = ca.Signed(trust with { Sites = sites, Jurisdictions = places });

        using var certificate = ca.IssueClient(request.SiteId, csr!.PublicKey, now);
        // The broker logs sites in by this CN: it must be exactly the site id registered (never a look-alike the name parser trimmed).
        if (certificate.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, forIssuer: false) != request.SiteId)
            throw new EnrolmentException($"enrolment request of '{request.SiteId}': the issued certificate's CN differs from the site id");
        // The consortium file changes only once the certificate is issued: a refused request leaves it as it was.
        updated.Save(consortiumFile);
        return new EnrolmentBundle
        {
            Format = EnrolmentBundle.CurrentFormat, SiteId = request.SiteId, CaCertificate = ca.Certificate.ExportCertificatePem(),
            ClientCertificate = certificate.ExportCertificatePem(), BrokerUri = brokerUri, BrokerServerName = brokerServerName,
            Consortium = updated.ToJson(),
            IssuedAt = now ?? DateTimeOffset.UtcNow,
        };
    }

    /// <summary>
    /// True when <paramref name="request"/> is a key rotation the registered key signed (its previous-identity proof
    /// verifies over the CSR with <paramref name="registered"/>); a proof that is present but does not verify is refused.
    /// </summary>
    private static bool Rotation(EnrolmentRequest request, byte[] registered, string consortiumFile)
    {
        if (request.PreviousIdentityProof is null) return false;
        byte[] proof;
        try { proof = Convert.FromBase64String(request.PreviousIdentityProof); }
        catch (FormatException) { proof = []; }
        return SigningKey.Verify(registered, RequestDer(request.CertificateRequest), proof)
            ? true
            : throw new EnrolmentException(
                $"{consortiumFile}: previousIdentityProof of '{request.SiteId}' does not verify with the key registered for it ({Fingerprint(registered)}): " +
                                           "the rotation was not asked by the holder of the site's key");
    }

    /// <summary>Every reason <paramref name="request"/> cannot be honoured, each naming its field.</summary>
    public static List<string> RequestProblems(EnrolmentRequest request, out CertificateRequest? csr, out byte[]? identityKey)
    {
        var problems = new List<string>();
        csr = null;
        identityKey = null;
        if (SiteIds.Problem(request.SiteId) is { } id) problems.Add($"siteId: {id}");
        if (request.Jurisdiction.Length != 2 || !request.Jurisdiction.All(char.IsAsciiLetterUpper))
            problems.Add($"jurisdiction: '{request.Jurisdiction}' is not an ISO 3166-1 alpha-2 code");
        try
        {
            identityKey = Convert.FromBase64String(request.IdentityPublicKey);
            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(identityKey, out _);
            if (key.KeySize != 256) problems.Add($"identityPublicKey: a {key.KeySize}-bit key, expected ECDSA P-256");
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            problems.Add("identityPublicKey: not a base64 ECDSA public key (SubjectPublicKeyInfo)");
            identityKey = null;
        }
        try
        {
            // One PEM block, labelled as a CSR: the bytes the identity proof covers are exactly the request issued.
            csr = CertificateRequest.LoadSigningRequest(RequestDer(request.CertificateRequest), HashAlgorithmName.SHA256,
                CertificateRequestLoadOptions.Default);
            var cn = csr.SubjectName.EnumerateRelativeDistinguishedNames()
                .FirstOrDefault(n => n.GetSingleElementType().Value == "2.5.4.3")?.GetSingleElementValue();
            if (cn != request.SiteId) problems.Add($"certificateRequest: its subject CN is '{cn}', not the site id '{request.SiteId}'");
            if (csr.PublicKey.GetECDsaPublicKey() is not { KeySize: 256 }) problems.Add("certificateRequest: its key is not ECDSA P-256");
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or NotSupportedException or FormatException)
        {
            problems.Add($"certificateRequest: not a valid, self-signed PKCS#10 request ({e.Message})");
            csr = null;
        }
        if (csr is not null && identityKey is not null)
        {
            byte[] proof;
            try { proof = Convert.FromBase64String(request.IdentityProof); }
            catch (FormatException) { proof = []; }
            if (!SigningKey.Verify(identityKey, RequestDer(request.CertificateRequest), proof))
                problems.Add("identityProof: does not verify with identityPublicKey over the certificate request (the request was altered, or its keys do " +
                    "not belong together)");
        }
        return problems;
    }

    /// <summary>
    /// The DER bytes of a PEM certificate request: what the identity key signs as proof of possession. Exactly one PEM
    /// block, labelled CERTIFICATE REQUEST, with nothing but whitespace around it.
    /// </summary>
    public static byte[] RequestDer(string csrPem)
    {
        if (!PemEncoding.TryFind(csrPem, out var fields)) throw new ArgumentException("no PEM block");
        if (csrPem[fields.Label] != "CERTIFICATE REQUEST")
            throw new ArgumentException($"the PEM block is labelled '{csrPem[fields.Label]}', not CERTIFICATE REQUEST");
        if (!string.IsNullOrWhiteSpace(csrPem[..fields.Location.Start.Value]) || !string.IsNullOrWhiteSpace(csrPem[fields.Location.End.Value..]))
            throw new ArgumentException("more than the one PEM block of the request");
        return Convert.FromBase64String(csrPem[fields.Base64Data]);
    }

    private static string? BrokerProblem(string brokerUri) =>
        !Uri.TryCreate(brokerUri, UriKind.Absolute, out var uri) || uri.Scheme != "amqps"
            ? $"--broker: '{UriRedaction.Redact(brokerUri)}' is not an amqps:// address (sites reach the broker only over TLS)"
            : uri.UserInfo.Length > 0 ? "--broker: give the address without user or password (sites log in with their certificate)" : null;

    /// <summary>SHA-256 of a public key, short, for people comparing keys by eye.</summary>
    public static string Fingerprint(byte[] publicKey) => "SHA256:" + Convert.ToHexString(SHA256.HashData(publicKey))[..16];
}

/// <summary>An enrolment request or bundle that cannot be honoured; the message names what is wrong and where.</summary>
public sealed class EnrolmentException(string message) : Exception(message);
