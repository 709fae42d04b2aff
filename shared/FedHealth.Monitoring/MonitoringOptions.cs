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
}
