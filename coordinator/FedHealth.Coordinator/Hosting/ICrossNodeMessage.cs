namespace FedHealth.Coordinator.Hosting;

/// <summary>
/// A coordinator-internal message that may travel between cluster nodes: <see cref="WireSerializer"/> writes it
/// (System.Text.Json, every property, so no default-valued property is silently dropped on the way).
/// </summary>
public interface ICrossNodeMessage;
