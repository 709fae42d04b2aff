using System.Net.Sockets;
using FedHealth.Messaging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace FedHealth.SiteAgent.Doctor;

/// <summary>Connects to the consortium's broker as the agent will, telling a wrong address from wrong credentials.</summary>
public static class BrokerCheck
{
    public enum Outcome { Reachable, Refused, UnknownHost, TimedOut, AuthFailed, Other }

    private const string Name = "broker";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static async Task<CheckResult> Run(BusOptions bus, CancellationToken cancellationToken)
    {
        if (bus.Transport != BusOptions.RabbitMq)
            return CheckResult.Warn(Name, $"Bus:Transport is {bus.Transport}: this agent would talk to no coordinator (set FEDHEALTH_Bus__Transport=RabbitMq " +
                "and FEDHEALTH_Bus__Uri, or --Bus:Transport=RabbitMq --Bus:Uri=...)");
        try { bus.Validate(); }
        catch (ArgumentException e)
        {
            return CheckResult.Fail(Name, e.Message, "install the consortium's enrolment bundle (`enroll BUNDLE --config " +
            "SITE.json`), or set Bus:Uri to the amqps:// address and Bus:CaFile the consortium gave you");
        }
        var uri = new Uri(bus.Uri);
        var factory = new ConnectionFactory
        {
            Uri = uri, RequestedConnectionTimeout = Timeout, SocketReadTimeout = Timeout, SocketWriteTimeout = Timeout,
            HandshakeContinuationTimeout = Timeout, AutomaticRecoveryEnabled = false,
        };
        try { BrokerTls.From(bus)?.Apply(factory); }
        catch (Exception e) when (e is ArgumentException or System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
        {
            return CheckResult.Fail(Name, $"the TLS files in Bus:CaFile/CertFile/KeyFile cannot be used: {e.Message}",
                "see the certificates line above; reinstall the consortium's enrolment bundle (`enroll BUNDLE --config SITE.json`)");
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout * 2);
        try
        {
            await using var connection = await factory.CreateConnectionAsync(timeout.Token);
            return Judge(uri, Outcome.Reachable, CertificateUser(bus), connection.ServerProperties?.TryGetValue("version", out var v) == true
                && v is byte[] bytes ? System.Text.Encoding.UTF8.GetString(bytes) : null);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return Judge(uri, Classify(e), CertificateUser(bus), Innermost(e).Message);
        }
    }

    /// <summary>What a failed connection attempt means, from the exception RabbitMQ.Client threw.</summary>
    public static Outcome Classify(Exception e)
    {
        var all = Flatten(e).ToList();
        if (all.Any(x => x is PossibleAuthenticationFailureException)) return Outcome.AuthFailed;
        if (all.OfType<OperationInterruptedException>().Any(x => x.ShutdownReason?.ReplyCode == 403)) return Outcome.AuthFailed;
        var socket = all.OfType<SocketException>().FirstOrDefault();
        if (socket?.SocketErrorCode == SocketError.ConnectionRefused) return Outcome.Refused;
        if (socket?.SocketErrorCode is SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData) return Outcome.UnknownHost;
        if (socket?.SocketErrorCode == SocketError.TimedOut || all.Any(x => x is TimeoutException or OperationCanceledException)) return Outcome.TimedOut;
        return Outcome.Other;
    }

    /// <param name="certificateUser">The client certificate's CN when the site logs in with it (SASL EXTERNAL), else null.</param>
    public static CheckResult Judge(Uri uri, Outcome outcome, string? certificateUser, string? detail)
    {
        var where = $"{uri.Host}:{(uri.IsDefaultPort ? (uri.Scheme == "amqps" ? 5671 : 5672) : uri.Port)}";
        var user = certificateUser is not null ? $"{certificateUser} (certificate login)"
            : Uri.UnescapeDataString(uri.UserInfo.Split(':')[0]) is { Length: > 0 } u ? u : "guest";
        return outcome switch
        {
            Outcome.Reachable => CheckResult.Pass(Name, $"connected to {where} as {user}{(detail is null ? "" : $" (RabbitMQ {detail})")}"),
            Outcome.Refused => CheckResult.Fail(Name, $"{where} refused the connection: no broker listens there",
                $"check the host and port in Bus:Uri against what the consortium gave you, and that the broker is running"),
            Outcome.UnknownHost => CheckResult.Fail(Name, $"the host '{uri.Host}' is not known to DNS",
                "check the host name in Bus:Uri, and that this machine's DNS resolves it"),
            Outcome.TimedOut => CheckResult.Fail(Name, $"no answer from {where} within {Timeout.TotalSeconds:0} s",
                "check that the hospital's firewall allows outbound connections to that host and port (5672, or 5671 for amqps)"),
            Outcome.AuthFailed when certificateUser is not null => CheckResult.Fail(Name,
                $"{where} refused user '{user}': the broker has no user for this site's certificate, or certificate login is not enabled there",
                $"ask the consortium's broker operator to run infra/rabbitmq/add-site-user.sh {certificateUser} (and to start the broker with TLS, which " +
                    "enables certificate login)"),
            Outcome.AuthFailed => CheckResult.Fail(Name, $"{where} refused user '{user}': wrong user name or password (or no access to the virtual host)",
                "set the user and password the consortium gave this site in Bus:Uri (FEDHEALTH_Bus__Uri in the environment file)"),
            _ => CheckResult.Fail(Name, $"could not connect to {where}: {detail}", "check Bus:Uri and the broker's logs"),
        };
    }

    private static string? CertificateUser(BusOptions bus)
    {
        if (!bus.CertificateLogin || string.IsNullOrWhiteSpace(bus.CertFile) || !File.Exists(bus.CertFile)) return null;
        try
        {
            using var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(bus.CertFile));
            return certificate.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, forIssuer: false);
        }
        catch (System.Security.Cryptography.CryptographicException) { return null; }
    }

    private static IEnumerable<Exception> Flatten(Exception e)
    {
        yield return e;
        var inner = e is AggregateException a ? a.InnerExceptions : e.InnerException is { } i ? [i] : (IEnumerable<Exception>)[];
        foreach (var x in inner.SelectMany(Flatten)) yield return x;
    }

    private static Exception Innermost(Exception e) => Flatten(e).Last();
}
