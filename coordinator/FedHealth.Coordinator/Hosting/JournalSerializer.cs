using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;
using FedHealth.Coordinator.Jobs;

namespace FedHealth.Coordinator.Hosting;

/// <summary>
/// Writes job events to the journal (and job snapshots to the snapshot store) as System.Text.Json with the event's name as manifest: readable in the
/// database, stable across refactors of namespaces, and strict about unknown manifests.
/// </summary>
public sealed class JournalSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>Every job event by name, and the job's snapshot (kept in the snapshot store, written the same way).</summary>
    private static readonly Dictionary<string, Type> Types = typeof(IJobEvent).Assembly.GetTypes()
        .Where(t => typeof(IJobEvent).IsAssignableFrom(t) && t is { IsClass: true, IsAbstract: false })
        .Append(typeof(JobSnapshot))
        .ToDictionary(t => t.Name);

    public static readonly JsonSerializerOptions Options = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(), new FedHealth.Contracts.SegmentedBytesConverter() },
    };

    public override int Identifier => 1_709_001;

    /// <summary>
    /// Plain JSON, readable in the database; an event carrying a large model (an update, a checkpoint) is written as
    /// a <see cref="FedHealth.Contracts.BinaryEnvelope"/> instead, its tensors raw after the JSON, in one buffer of exactly its size.
    /// </summary>
    public override byte[] ToBinary(object obj) => Serialize(obj);

    public static byte[] Serialize(object obj)
    {
        var (json, attachments) = FedHealth.Contracts.BinaryEnvelope.Detach(obj, Options);
        if (attachments.Count == 0) return json;
        var buffer = new byte[FedHealth.Contracts.BinaryEnvelope.Size(json, attachments)];
        FedHealth.Contracts.BinaryEnvelope.Write(new MemoryStream(buffer), json, attachments);
        return buffer;
    }

    public override string Manifest(object o) => o.GetType().Name;

    public override object FromBinary(byte[] bytes, string manifest) => Deserialize(bytes, manifest);

    public static object Deserialize(byte[] bytes, string manifest)
    {
        if (!Types.TryGetValue(manifest, out var type)) throw new SerializationException($"unknown journal manifest '{manifest}'");
        if (!FedHealth.Contracts.BinaryEnvelope.IsEnvelope(bytes))
            return JsonSerializer.Deserialize(bytes, type, Options) ?? throw new SerializationException($"journal entry '{manifest}' is null");
        try { return FedHealth.Contracts.BinaryEnvelope.Read(new MemoryStream(bytes, writable: false), type, Options); }
        catch (InvalidDataException e) { throw new SerializationException($"journal entry '{manifest}': {e.Message}", e); }
    }
}
