using System.Text.Json;
using FedHealth.Contracts;
using FedHealth.Coordinator.Hosting;
using FedHealth.Coordinator.Jobs;
using FedHealth.Learning.Models;
using static FedHealth.Tests.Coordinator.JobFixtures;

namespace FedHealth.Tests.Messaging;

/// <summary>Large tensors travel and are journaled raw after a small JSON; a damaged envelope is refused by what is wrong.</summary>
public sealed class BinaryEnvelopeTests
{
    private static readonly ModelSpec Wide = new() { Kind = "mlp", Features = 2, HiddenUnits = 50_000 }; // 200,001 parameters, 800 KB
    private static readonly ParameterLayout WideLayout = ParameterLayout.For(Wide);

    private static UpdateSubmitted WideUpdate()
    {
        var values = Enumerable.Range(0, WideLayout.TotalCount).Select(i => i * 0.001f).ToArray();
        return Update(Guid.NewGuid(), 1, "A", [0, 0, 0], 10) with { Weights = new FlatParameters(WideLayout, values).ToWeights() };
    }

    private static byte[] Envelope(object message)
    {
        using var stream = new MemoryStream();
        Assert.True(BinaryEnvelope.Write(stream, message, WireJson.Options) > 0);
        return stream.ToArray();
    }

    [Fact]
    public void A_large_update_round_trips_with_its_tensors_raw_and_smaller_than_base64_json()
    {
        var update = WideUpdate();
        var bytes = Envelope(update);
        var json = JsonSerializer.SerializeToUtf8Bytes(update, WireJson.Options);
        Assert.True(bytes.Length < json.Length * 0.8, $"envelope {bytes.Length} bytes, JSON {json.Length}");
        var back = (UpdateSubmitted)BinaryEnvelope.Read(new MemoryStream(bytes), typeof(UpdateSubmitted), WireJson.Options);
        Assert.Equal(FlatParameters.FromWeights(WideLayout, update.Weights).Values, FlatParameters.FromWeights(WideLayout, back.Weights).Values);
    }

    [Fact]
    public void A_truncated_or_padded_envelope_or_a_bad_reference_is_refused_by_what_is_wrong()
    {
        var bytes = Envelope(WideUpdate());
        Assert.Contains("ends before attachment", Refused(bytes[..^10]).Message);
        Assert.Contains("bytes after its last attachment", Refused([.. bytes, 1, 2, 3]).Message);
        Assert.Contains("bad magic", Refused([(byte)'X', .. bytes[1..]]).Message);
        var forged = bytes.ToArray();
        var reference = forged.AsSpan().IndexOf("{\"$attachment\":0}"u8);
        Assert.True(reference > 0);
        forged[reference + "{\"$attachment\":".Length] = (byte)'7';
        Assert.Contains("attachment 7 is not in the envelope", Refused(forged).Message);
    }

    [Fact]
    public void The_journal_keeps_small_events_as_readable_json_and_large_models_as_envelopes()
    {
        var small = new UpdateReceived(1, "A", 10, new FlatParameters(Layout, [1, 2, 3]).ToWeights(), 0.5, "cpu", 0.1);
        var serializer = new JournalSerializer(null!);
        var smallBytes = serializer.ToBinary(small);
        Assert.Equal((byte)'{', smallBytes[0]);
        var update = WideUpdate();
        var large = new UpdateReceived(1, "A", 10, update.Weights, 0.5, "cpu", 0.1);
        var largeBytes = serializer.ToBinary(large);
        Assert.True(BinaryEnvelope.IsEnvelope(largeBytes));
        var back = (UpdateReceived)JournalSerializer.Deserialize(largeBytes, nameof(UpdateReceived));
        Assert.Equal(update.Weights.Tensors.Select(t => t.Sha256), back.Weights.Tensors.Select(t => t.Sha256));
        Assert.Equal(small.Weights.Tensors[0].Data,
            ((UpdateReceived)JournalSerializer.Deserialize(smallBytes, nameof(UpdateReceived))).Weights.Tensors[0].Data);
    }

    private static InvalidDataException Refused(byte[] bytes) =>
        Assert.Throws<InvalidDataException>(() => BinaryEnvelope.Read(new MemoryStream(bytes), typeof(UpdateSubmitted), WireJson.Options));
}
