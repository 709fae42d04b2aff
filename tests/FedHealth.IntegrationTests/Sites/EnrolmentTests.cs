using System.Security.Cryptography;
using System.Text.Json.Nodes;
using FedHealth.Contracts;
using FedHealth.Learning.Data;
using FedHealth.Privacy.Crypto;
using FedHealth.Privacy.Enrolment;
using FedHealth.SiteAgent;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Sites;

/// <summary>
/// Enrolment without a broker: the hospital's request, the consortium's checks and bundle, the hospital's checks of
/// the bundle. Every refusal names the field, and leaves the consortium file and the site's folder as they were.
/// </summary>
public sealed class EnrolmentTests : IDisposable
{
    private const string Broker = "amqps://broker.example.org:5671/";
    private readonly TempFolder temp = new();
    private readonly ConsortiumCa ca = ConsortiumCa.Create();
    private readonly string consortiumFile;

    public EnrolmentTests()
    {
        consortiumFile = Path.Combine(temp.Path, "consortium", "consortium.json");
        using var coordinator = KeyAgreement.NewKey();
        TestTrust.Of(KeyAgreement.PublicKey(coordinator), new Dictionary<string, byte[]>()).Save(consortiumFile);
    }

    private SiteConfig Site(string id = "DE-GBSG", string folder = "site") => new()
    {
        Site = new SiteIdentity { Id = id, Jurisdiction = "DE" },
        Data = new SiteDataSource { Csv = "unused.csv", Schema = "unused.json" },
        EnrolmentDir = Path.Combine(temp.Path, folder, "enrolment"),
    };

    private string Issue(SiteConfig site, string? requestFile = null)
    {
        var bundle = EnrolmentIssuer.Issue(ca, consortiumFile, EnrolmentDocuments.ReadRequest(requestFile ?? SiteEnrolment.Request(site)), Broker, null);
        var file = Path.Combine(temp.Path, $"{site.Site.Id}-{Guid.NewGuid():N}.bundle.json");
        EnrolmentDocuments.Write(file, bundle);
        return file;
    }

    [Fact]
    public void A_request_answered_by_the_consortium_installs_certificates_keys_and_broker_settings_and_the_private_keys_never_travel()
    {
        var site = Site();
        var requestFile = SiteEnrolment.Request(site);
        var requestText = File.ReadAllText(requestFile);
        Assert.DoesNotContain("PRIVATE KEY", requestText);
        var folder = SiteEnrolment.FolderOf(site);
        if (!OperatingSystem.IsWindows())
            foreach (var key in new[] { folder.TlsKey, folder.IdentityKey })
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));

        var bundleFile = Issue(site, requestFile);
        Assert.DoesNotContain("PRIVATE KEY", File.ReadAllText(bundleFile));
        var fingerprint = SiteEnrolment.Accept(site, bundleFile, expectedCaFingerprint: ca.Certificate.GetCertHashString(HashAlgorithmName.SHA256));
        Assert.Equal(ca.Certificate.GetCertHashString(HashAlgorithmName.SHA256), fingerprint);

        // The consortium file registers the site's identity, and the site's copy agrees with it.
        using var identity = SigningKey.FromPem(File.ReadAllText(folder.IdentityKey));
        Assert.Equal(identity.PublicKey, ConsortiumTrust.Load(consortiumFile).Sites["DE-GBSG"]);
        Assert.NotNull(
            SiteSecurity.Load(new SiteConfig { Site = site.Site, Data = site.Data, ConsortiumFile = folder.Consortium, IdentityKeyFile = folder.IdentityKey }));

        // The bus starts from the installed settings: TLS to the consortium's broker, logging in with the certificate.
        var bus = JsonNode.Parse(File.ReadAllText(folder.BrokerSettings))!["Bus"]!;
        Assert.Equal(Broker, (string?)bus["Uri"]);
        Assert.True((bool?)bus["CertificateLogin"]);
        Assert.Equal(folder.TlsKey, (string?)bus["KeyFile"]);
        using var client = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(folder.TlsCertificate, folder.TlsKey);
        Assert.Null(ConsortiumCa.Problem(client, ca.Certificate, server: false));
    }

    [Fact]
    public void A_site_config_with_an_enrolment_folder_takes_its_identity_and_consortium_files_from_it()
    {
        var folder = Directory.CreateDirectory(Path.Combine(temp.Path, "cfg")).FullName;
        File.WriteAllText(Path.Combine(folder, "site.json"), """
            { "site": { "id": "DE-GBSG", "jurisdiction": "DE" }, "data": { "csv": "d.csv", "schema": "s.json" }, "enrolmentDir": "enrolment" }
            """);
        var config = SiteConfigFile.Read(Path.Combine(folder, "site.json"));
        Assert.Equal(Path.Combine(folder, "enrolment"), config.EnrolmentDir);
        Assert.Equal(Path.Combine(folder, "enrolment", "consortium.json"), config.ConsortiumFile);
        Assert.Equal(Path.Combine(folder, "enrolment", "identity-key.pem"), config.IdentityKeyFile);
    }

    [Fact]
    public void An_altered_request_is_refused_naming_each_field_and_the_consortium_file_is_untouched()
    {
        var site = Site();
        var request = EnrolmentDocuments.ReadRequest(SiteEnrolment.Request(site));
        var before = File.ReadAllBytes(consortiumFile);
        using var other = SigningKey.Create();

        void Refused(EnrolmentRequest altered, string field)
        {
            var error = Assert.Throws<EnrolmentException>(() => EnrolmentIssuer.Issue(ca, consortiumFile, altered, Broker, null));
            Assert.Contains(field, error.Message);
            Assert.Equal(before, File.ReadAllBytes(consortiumFile));
        }

        Refused(request with { SiteId = "NL-OTHER" }, "certificateRequest: its subject CN is 'DE-GBSG', not the site id 'NL-OTHER'");
        Refused(request with { IdentityPublicKey = Convert.ToBase64String(other.PublicKey) }, "identityProof");
        Refused(request with { IdentityPublicKey = "not base64!" }, "identityPublicKey");
        Refused(request with { CertificateRequest = Altered(request.CertificateRequest) }, "certificateRequest");
        Refused(request with { SiteId = "DE GBSG; DROP" }, "siteId");
        Refused(request with { SiteId = "DE-GBSG\n" }, "siteId: 'DE-GBSG\n' must be");   // $ would match before the newline; CN parsing trims it
        Refused(request with { SiteId = "guest" }, "siteId: 'guest' is reserved");
        // A second PEM block (another site's CSR first, under another label) must not decide what is verified or issued.
        Refused(request with { CertificateRequest = "-----BEGIN X-----\nAAAA\n-----END X-----\n" + request.CertificateRequest }, "certificateRequest");
        Refused(request with
        {
            CertificateRequest = request.CertificateRequest +
            "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n"
        }, "certificateRequest");
        Refused(request with { Jurisdiction = "Germany" }, "jurisdiction");
        Assert.Contains("--broker",
            Assert.Throws<EnrolmentException>(() => EnrolmentIssuer.Issue(ca, consortiumFile, request, "amqp://broker:5672/", null)).Message);
        Assert.Contains("without user or password",
            Assert.Throws<EnrolmentException>(() => EnrolmentIssuer.Issue(ca, consortiumFile, request, "amqps://u:p@broker:5671/", null)).Message);
        Assert.Equal(before, File.ReadAllBytes(consortiumFile));
    }

    /// <summary>The PEM with one base64 character inside the signed subject changed: the CSR's own signature no longer verifies.</summary>
    private static string Altered(string pem)
    {
        var at = pem.IndexOf('\n') + 40;
        return pem[..at] + (pem[at] == 'A' ? 'B' : 'A') + pem[(at + 1)..];
    }

    [Fact]
    public void A_request_file_that_is_not_one_is_refused_naming_the_file_and_field()
    {
        var file = Path.Combine(temp.Path, "odd.json");
        File.WriteAllText(file, """{ "format": "fedhealth-enrolment-request/1", "siteId": 7 }""");
        var error = Assert.Throws<InvalidDataException>(() => EnrolmentDocuments.ReadRequest(file));
        Assert.Contains(file, error.Message);
        Assert.Contains("siteId", error.Message);
        File.WriteAllText(file, """{ "format": "something-else/9", "siteId": "A", "jurisdiction": "DE", "identityPublicKey": "", "certificateRequest": "", "identityProof": "", "createdAt": "2026-01-01T00:00:00Z" }""");
        Assert.Contains("expected 'fedhealth-enrolment-request/1'", Assert.Throws<InvalidDataException>(() => EnrolmentDocuments.ReadRequest(file)).Message);
    }

    [Fact]
    public void A_site_already_registered_with_another_key_is_refused_unless_the_consortium_replaces_it_on_purpose()
    {
        Issue(Site(folder: "first"));
        var before = File.ReadAllBytes(consortiumFile);
        var impostor = EnrolmentDocuments.ReadRequest(SiteEnrolment.Request(Site(folder: "second")));

        var error = Assert.Throws<EnrolmentException>(() => EnrolmentIssuer.Issue(ca, consortiumFile, impostor, Broker, null));
        Assert.Contains("already registered with another identity key", error.Message);
        Assert.Contains("--replace-key", error.Message);
        Assert.Equal(before, File.ReadAllBytes(consortiumFile));

        EnrolmentIssuer.Issue(ca, consortiumFile, impostor, Broker, null, replaceKey: true);
        Assert.Equal(Convert.FromBase64String(impostor.IdentityPublicKey), ConsortiumTrust.Load(consortiumFile).Sites["DE-GBSG"]);
    }

    [Fact]
    public void A_bundle_for_another_site_another_key_or_another_CA_is_refused_and_nothing_is_installed()
    {
        var site = Site();
        SiteEnrolment.Request(site);
        var folder = SiteEnrolment.FolderOf(site);
        var theirs = Issue(Site("NL-ROTTERDAM-A", "nl"));
        var forOldKey = Issue(site);
        SiteEnrolment.Request(site); // same keys: a new request is still answered by the old bundle
        File.Delete(folder.TlsKey);
        SiteEnrolment.Request(site); // a new TLS key: the bundle issued before no longer fits

        string Refused(string bundle, string? fingerprint = null)
        {
            var error = Assert.Throws<EnrolmentException>(() => SiteEnrolment.Accept(site, bundle, fingerprint)).Message;
            Assert.Contains("nothing was installed", error);
            Assert.False(File.Exists(folder.BrokerSettings));
            Assert.False(File.Exists(folder.TlsCertificate));
            return error;
        }

        Assert.Contains("the bundle is for 'NL-ROTTERDAM-A'", Refused(theirs));
        Assert.Contains("issued for another key", Refused(forOldKey));
        var good = Issue(site);
        Assert.Contains("not the 00", Refused(good, fingerprint: new string('0', 64)));

        using var foreign = ConsortiumCa.Create("another consortium");
        var forged = EnrolmentDocuments.ReadBundle(good) with { CaCertificate = foreign.Certificate.ExportCertificatePem() };
        var forgedFile = Path.Combine(temp.Path, "forged.json");
        EnrolmentDocuments.Write(forgedFile, forged);
        Assert.Contains("is not trusted by the consortium CA 'CN=another consortium", Refused(forgedFile));

        SiteEnrolment.Accept(site, good);
        Assert.True(File.Exists(folder.BrokerSettings));

        // Renewing keeps the consortium joined: a bundle from another CA (even one issued for this site's key) is refused.
        var installedCa = File.ReadAllText(folder.CaCertificate);
        var request = EnrolmentDocuments.ReadRequest(SiteEnrolment.Request(site));
        var otherConsortium = Path.Combine(temp.Path, "other-consortium.json");
        using (var coordinator = KeyAgreement.NewKey())
            TestTrust.Of(KeyAgreement.PublicKey(coordinator), new Dictionary<string, byte[]>()).Save(otherConsortium);
        var swapped = Path.Combine(temp.Path, "swapped.json");
        EnrolmentDocuments.Write(swapped, EnrolmentIssuer.Issue(foreign, otherConsortium, request, Broker, null));
        var error = Assert.Throws<EnrolmentException>(() => SiteEnrolment.Accept(site, swapped)).Message;
        Assert.Contains("differs from the consortium CA already installed", error);
        Assert.Equal(installedCa, File.ReadAllText(folder.CaCertificate));
        SiteEnrolment.Accept(site, swapped, replaceCa: true);
        Assert.NotEqual(installedCa, File.ReadAllText(folder.CaCertificate));
    }

    [Fact]
    public void A_site_rotates_its_identity_key_by_a_request_its_current_key_proves_and_the_bundle_makes_the_new_key_its_identity()
    {
        var site = Site();
        SiteEnrolment.Accept(site, Issue(site));
        var folder = SiteEnrolment.FolderOf(site);
        var before = File.ReadAllText(folder.IdentityKey);

        var rotation = EnrolmentDocuments.ReadRequest(SiteEnrolment.Request(site, rotate: true));
        var next = SiteSecurity.NextKeyFile(folder.IdentityKey);
        Assert.True(File.Exists(next));
        Assert.Equal(before, File.ReadAllText(folder.IdentityKey)); // the current key signs until the consortium registers the next

        // Proved by another key than the registered one: refused, the consortium file untouched.
        using var stranger = SigningKey.Create();
        var forged = rotation with { PreviousIdentityProof = Convert.ToBase64String(stranger.Sign(EnrolmentIssuer.RequestDer(rotation.CertificateRequest))) };
        var untouched = File.ReadAllBytes(consortiumFile);
        Assert.Contains("previousIdentityProof of 'DE-GBSG' does not verify",
            Assert.Throws<EnrolmentException>(() => EnrolmentIssuer.Issue(ca, consortiumFile, forged, Broker, null)).Message);
        Assert.Equal(untouched, File.ReadAllBytes(consortiumFile));

        var bundle = EnrolmentIssuer.Issue(ca, consortiumFile, rotation, Broker, null);
        var registered = ConsortiumTrust.Load(consortiumFile);
        Assert.Equal(Convert.FromBase64String(rotation.IdentityPublicKey), registered.Sites["DE-GBSG"]);
        Assert.True(registered.SignedBy(ca.Certificate));
        var bundleFile = Path.Combine(temp.Path, "rotation.bundle.json");
        EnrolmentDocuments.Write(bundleFile, bundle);
        SiteEnrolment.Accept(site, bundleFile);
        Assert.False(File.Exists(next));
        using var identity = SigningKey.FromPem(File.ReadAllText(folder.IdentityKey));
        Assert.Equal(registered.Sites["DE-GBSG"], identity.PublicKey);
        Assert.Equal(registered.Version, ConsortiumTrust.Load(folder.Consortium).Version);
    }

    [Fact]
    public void A_bundle_whose_consortium_file_the_CA_did_not_sign_or_that_is_older_than_the_installed_one_is_refused()
    {
        var site = Site();
        SiteEnrolment.Request(site);
        var older = Issue(site);
        var newer = Issue(site);
        var folder = SiteEnrolment.FolderOf(site);

        var bundle = EnrolmentDocuments.ReadBundle(newer);
        var altered = ConsortiumTrust.Parse(bundle.Consortium, "test") with { Version = 99 };
        var alteredFile = Path.Combine(temp.Path, "altered.json");
        EnrolmentDocuments.Write(alteredFile, bundle with { Consortium = altered.ToJson() });
        Assert.Contains("consortium: not signed by the bundle's CA", Assert.Throws<EnrolmentException>(() => SiteEnrolment.Accept(site, alteredFile)).Message);
        Assert.False(File.Exists(folder.Consortium));

        SiteEnrolment.Accept(site, newer);
        var error = Assert.Throws<EnrolmentException>(() => SiteEnrolment.Accept(site, older)).Message;
        Assert.Contains("is older than the installed version", error);
        Assert.Equal(ConsortiumTrust.Parse(bundle.Consortium, "test").Version, ConsortiumTrust.Load(folder.Consortium).Version);
    }

    [Fact]
    public void Enrolment_needs_an_enrolment_folder_in_the_config_and_a_request_before_a_bundle()
    {
        var without = new SiteConfig { Site = new SiteIdentity { Id = "DE-GBSG", Jurisdiction = "DE" }, Data = new SiteDataSource { Csv = "x", Schema = "y" } };
        Assert.Contains("\"enrolmentDir\"", Assert.Throws<EnrolmentException>(() => SiteEnrolment.Request(without)).Message);
        var bundle = Issue(Site(folder: "elsewhere"));
        Assert.Contains("run `enroll request` first", Assert.Throws<EnrolmentException>(() => SiteEnrolment.Accept(Site(), bundle)).Message);
    }

    public void Dispose()
    {
        ca.Dispose();
        temp.Dispose();
    }
}
