namespace FedHealth.SiteAgent;

/// <summary>
/// The files `enroll` keeps in a site's enrolment folder. The two private keys are made here and never leave it;
/// the rest comes from the consortium's bundle.
/// </summary>
public sealed record EnrolmentFolder(string Dir)
{
    /// <summary>The site's signing identity (secure aggregation), registered in the consortium file.</summary>
    public string IdentityKey => Path.Combine(Dir, "identity-key.pem");
    /// <summary>The key of the site's TLS client certificate.</summary>
    public string TlsKey => Path.Combine(Dir, "tls-key.pem");
    public string TlsCertificate => Path.Combine(Dir, "tls-cert.pem");
    public string CaCertificate => Path.Combine(Dir, "ca-cert.pem");
    public string Consortium => Path.Combine(Dir, "consortium.json");
    /// <summary>The Bus settings (broker address, TLS files, certificate login) the agent and doctor start from.</summary>
    public string BrokerSettings => Path.Combine(Dir, "broker.json");
    public string Request(string siteId) => Path.Combine(Dir, $"{siteId}.enrolment-request.json");
}
