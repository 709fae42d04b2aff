namespace FedHealth.Learning.Models.Architectures;

/// <summary>A declared model that cannot be built: the message names the layer (its index and kind) and the shapes that do not fit.</summary>
public sealed class ArchitectureException(string message) : ArgumentException(message);
