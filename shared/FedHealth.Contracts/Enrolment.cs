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
    /// <summary>
    /// A key rotation (`enroll request --rotate`): the same CSR DER signed with the identity key the consortium has
    /// registered for the site (base64). It proves the request comes from the holder of the old key, so the consortium
    /// replaces the key without --replace-key.
    /// </summary>
    public string? PreviousIdentityProof { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>
/// What the consortium sends back (`fedhealth provision site`): the consortium CA, the site's TLS client certificate
/// signed by it, where the broker is, and the consortium file (its registered keys), signed by the CA. No private key and no password: the
/// site logs in to the broker with its certificate.
/// </summary>
public sealed record EnrolmentBundle
{
    /// <summary>
    /// Version 3 carries the consortium file as the CA signed it (version, jurisdictions, revocations, signature), so a
    /// site follows its later versions while it runs; version 2 carried its keys field by field.
    /// </summary>
    public const string CurrentFormat = "fedhealth-enrolment/3";
    public required string Format { get; init; }
    public required string SiteId { get; init; }
    public required string CaCertificate { get; init; }
    public required string ClientCertificate { get; init; }
    /// <summary>amqps://HOST:PORT/ (no credentials: the certificate is the login).</summary>
    public required string BrokerUri { get; init; }
    /// <summary>The name on the broker's certificate when it differs from the host in <see cref="BrokerUri"/>.</summary>
    public string? BrokerServerName { get; init; }
    /// <summary>The consortium file (JSON) with this site registered, signed by the CA in <see cref="CaCertificate"/>.</summary>
    public required string Consortium { get; init; }
    public required DateTimeOffset IssuedAt { get; init; }
}
