using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;
using FedHealth.Coordinator.Jobs;

namespace FedHealth.Coordinator.Hosting;

/// <summary>
/// Writes job events to the journal as System.Text.Json with the event's name as manifest: readable in the
/// database, stable across refactors of namespaces, and strict about unknown manifests.
/// </summary>
public sealed class JournalSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    private static readonly Dictionary<string, Type> Types = typeof(IJobEvent).Assembly.GetTypes()
        .Where(t => typeof(IJobEvent).IsAssignableFrom(t) && t is { IsClass: true, IsAbstract: false })
        .ToDictionary(t => t.Name);

    public static readonly JsonSerializerOptions Options = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(), new FedHealth.Contracts.SegmentedBytesConverter() },
    };

    public override int Identifier => 1_709_001;

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Options);

    public override string Manifest(object o) => o.GetType().Name;

    public override object FromBinary(byte[] bytes, string manifest) => Deserialize(bytes, manifest);

    public static object Deserialize(byte[] bytes, string manifest) =>
        Types.TryGetValue(manifest, out var type)
            ? JsonSerializer.Deserialize(bytes, type, Options) ?? throw new SerializationException($"journal entry '{manifest}' is null")
            : throw new SerializationException($"unknown journal manifest '{manifest}'");
}
