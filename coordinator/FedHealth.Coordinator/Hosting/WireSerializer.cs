using System.Runtime.Serialization;
using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;
using FedHealth.Contracts;

namespace FedHealth.Coordinator.Hosting;

/// <summary>
/// Serializes what crosses between coordinator nodes: every contract record and every <see cref="ICrossNodeMessage"/>.
/// Akka.NET's default JSON serializer skips properties that hold their type's default value, which turns a
/// contract's <c>SecureAggregation = false</c> back into its initializer's <c>true</c> on the other node; this one
/// writes every property with the same options the bus uses, and refuses types it does not know.
/// </summary>
public sealed class WireSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>The types this serializer is bound to (AkkaConfiguration writes one binding per type).</summary>
    public static readonly IReadOnlyList<Type> BoundTypes = typeof(JobSpec).Assembly.GetExportedTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false, IsGenericTypeDefinition: false } && t.Namespace == typeof(JobSpec).Namespace)
        .Concat(typeof(WireSerializer).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ICrossNodeMessage).IsAssignableFrom(t)))
        .ToList();

    private static readonly Dictionary<string, Type> ByManifest = BoundTypes.ToDictionary(t => t.FullName!);

    public override int Identifier => 1_709_002;

    public override string Manifest(object o) => o.GetType().FullName!;

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), WireJson.Options);

    public override object FromBinary(byte[] bytes, string manifest) =>
        ByManifest.TryGetValue(manifest, out var type)
            ? JsonSerializer.Deserialize(bytes, type, WireJson.Options) ?? throw new SerializationException($"cross-node message '{manifest}' is null")
            : throw new SerializationException($"unknown cross-node message '{manifest}'");
}
