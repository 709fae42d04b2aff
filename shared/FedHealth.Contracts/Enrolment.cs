namespace FedHealth.Contracts;

/// <summary>
/// What a hospital sends the consortium to join (`enroll request`): its site id, the public half of its signing
/// identity, and a certificate signing request for its TLS client key. Both private keys stay in the hospital.
/// </summary>
public sealed record EnrolmentRequest
{
    public const string CurrentFormat = "fedhealth-enrolment-request/1";
    public required string Format { get; init; }
    public required string SiteId { get; init; }
    public required string Jurisdiction { get; init; }
    /// <summary>The site's signing key (SubjectPublicKeyInfo, base64), registered in the consortium file.</summary>
    public required string IdentityPublicKey { get; init; }
    /// <summary>PKCS#10 request (PEM) for the TLS client certificate, CN = the site id.</summary>
    public required string CertificateRequest { get; init; }
    /// <summary>The CSR's DER bytes signed with the identity key (base64): proof the requester holds that key.</summary>
    public required string IdentityProof { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>
/// What the consortium sends back (`fedhealth provision site`): the consortium CA, the site's TLS client certificate
/// signed by it, where the broker is, and the consortium's registered keys. No private key and no password: the
/// site logs in to the broker with its certificate.
/// </summary>
public sealed record EnrolmentBundle
{
    /// <summary>Version 2 adds the coordinator's and the dashboard's signing keys (sites take control messages only from them).</summary>
    public const string CurrentFormat = "fedhealth-enrolment/2";
    public required string Format { get; init; }
    public required string SiteId { get; init; }
    public required string CaCertificate { get; init; }
    public required string ClientCertificate { get; init; }
    /// <summary>amqps://HOST:PORT/ (no credentials: the certificate is the login).</summary>
    public required string BrokerUri { get; init; }
    /// <summary>The name on the broker's certificate when it differs from the host in <see cref="BrokerUri"/>.</summary>
    public string? BrokerServerName { get; init; }
    /// <summary>The coordinator's sealing key (base64 SubjectPublicKeyInfo).</summary>
    public required string CoordinatorKey { get; init; }
    /// <summary>The coordinator's signing key (base64 SubjectPublicKeyInfo): the site acts on no control message it did not sign.</summary>
    public required string CoordinatorSigningKey { get; init; }
    /// <summary>The dashboard's signing key (base64 SubjectPublicKeyInfo).</summary>
    public required string DashboardKey { get; init; }
    /// <summary>Every registered site's signing key (base64 SubjectPublicKeyInfo), this one included.</summary>
    public required IReadOnlyDictionary<string, string> SiteKeys { get; init; }
    public required DateTimeOffset IssuedAt { get; init; }
}
