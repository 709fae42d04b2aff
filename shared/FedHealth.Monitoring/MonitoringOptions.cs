namespace FedHealth.Monitoring;

/// <summary>
/// Where a deployable serves <c>/metrics</c> (Prometheus) and <c>/healthz/live</c>, <c>/healthz/ready</c>: the
/// <c>Monitoring</c> section (<c>--Monitoring:Port=9464</c>). Off unless a port is given: a hospital's agent opens no
/// port it was not asked to. Loopback by default; a Prometheus on another machine needs <c>Monitoring:Host</c>.
/// </summary>
public sealed class MonitoringOptions
{
    public int? Port { get; set; }
    public string Host { get; set; } = "127.0.0.1";
    /// <summary>An OpenTelemetry collector to send traces to (e.g. http://collector:4317); none: no trace leaves the process.</summary>
    public string? OtlpEndpoint { get; set; }
    /// <summary>grpc (port 4317, the default) or http (protobuf over HTTP: give the full URL, e.g. http://collector:4318/v1/traces).</summary>
    public string OtlpProtocol { get; set; } = "grpc";

    /// <summary>The collector's address, null when none is set; a setting that is not one is refused, naming it.</summary>
    public Uri? OtlpEndpointUri()
    {
        if (string.IsNullOrWhiteSpace(OtlpEndpoint)) return null;
        if (!Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new ArgumentException($"Monitoring:OtlpEndpoint '{OtlpEndpoint}' is not an http(s) URL of an OpenTelemetry collector");
        if (OtlpProtocol is not ("grpc" or "http")) throw new ArgumentException($"Monitoring:OtlpProtocol '{OtlpProtocol}' is not grpc or http");
        return uri;
    }
}
