using System.Text.Json;
using FedHealth.Contracts;
using FedHealth.Messaging.Chunking;
using FedHealth.Tests.Support;
using static FedHealth.Tests.Coordinator.JobFixtures;

namespace FedHealth.Tests.Messaging;

/// <summary>Reassembling chunked messages: whatever arrives broken, out of place or forged is refused by name, and nothing else is built.</summary>
public sealed class ChunkSpoolTests : IDisposable
{
    private static readonly Dictionary<string, Type> Accepted = new() { [nameof(UpdateSubmitted)] = typeof(UpdateSubmitted) };
    private readonly TempFolder temp = new();
    private readonly UpdateSubmitted update = Update(Guid.NewGuid(), 2, "A", [1, 2, 3], 10);

    private ChunkSpool NewSpool(long max = ChunkSpool.DefaultMaxBytes) => new(temp.Path, Accepted, max);

    private IReadOnlyList<ChunkSlice> Slices(int chunkBytes = 64) =>
        MessageChunker.Slices(MessageChunker.Envelope(update), nameof(UpdateSubmitted), update.JobId, update.Round, chunkBytes).ToList();

    [Fact]
    public void Slices_in_any_order_with_repeats_reassemble_to_the_message()
    {
        var slices = Slices();
        Assert.True(slices.Count > 3);
        var spool = NewSpool();
        object? whole = null;
        foreach (var s in slices.Reverse().Concat([slices[1]]).Concat(slices.Take(1)))
            whole = spool.Add(s) ?? whole;
        var back = Assert.IsType<UpdateSubmitted>(whole);
        Assert.Equal(update.Weights.Tensors[0].Data, back.Weights.Tensors[0].Data);
        Assert.Equal(update.SiteId, back.SiteId);
        Assert.Empty(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void A_slice_corrupted_in_transit_is_refused()
    {
        var slice = Slices()[1];
        var data = slice.Data.ToArray();
        data[3] ^= 0x40;
        var e = Assert.Throws<InvalidChunkException>(() => NewSpool().Add(slice with { Data = data }));
        Assert.Contains("slice 1", e.Message);
        Assert.Contains("SHA-256", e.Message);
    }

    [Fact]
    public void Slices_whose_whole_does_not_match_its_digest_are_refused_once_complete()
    {
        var spool = NewSpool();
        var forged = Slices().Select(s => s with { Sha256 = new string('0', 64) }).ToList();
        foreach (var s in forged.SkipLast(1)) Assert.Null(spool.Add(s));
        var e = Assert.Throws<InvalidChunkException>(() => spool.Add(forged[^1]));
        Assert.Contains("once reassembled", e.Message);
        Assert.Empty(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void A_type_the_receiver_does_not_accept_is_refused_before_anything_is_stored()
    {
        var e = Assert.Throws<InvalidChunkException>(() => NewSpool().Add(Slices()[0] with { MessageType = "RoundStarted" }));
        Assert.Contains("'RoundStarted' is not accepted", e.Message);
        Assert.False(Directory.Exists(temp.Path) && Directory.GetFiles(temp.Path).Length > 0);
    }

    [Fact]
    public void A_slice_that_contradicts_its_transfer_or_lies_outside_it_is_refused()
    {
        var slices = Slices();
        var spool = NewSpool();
        spool.Add(slices[0]);
        Assert.Contains("does not match the transfer's first slice",
            Assert.Throws<InvalidChunkException>(() => spool.Add(slices[1] with { TotalBytes = slices[1].TotalBytes + 1 })).Message);
        Assert.Contains("lies outside", Assert.Throws<InvalidChunkException>(() => NewSpool().Add(slices[1] with { Offset = slices[1].TotalBytes })).Message);
        Assert.Contains("out of range", Assert.Throws<InvalidChunkException>(() => NewSpool().Add(slices[1] with { Index = slices.Count })).Message);
        Assert.Contains("outside 1..100", Assert.Throws<InvalidChunkException>(() => NewSpool(max: 100).Add(slices[0])).Message);
    }

    [Fact]
    public void A_reassembled_body_that_is_not_the_named_message_is_refused()
    {
        var body = "{\"jobId\": 42}"u8.ToArray();
        var slices = MessageChunker.Split(body, nameof(UpdateSubmitted), Guid.NewGuid(), 1, 4);
        var spool = NewSpool();
        foreach (var s in slices.SkipLast(1)) spool.Add(s);
        Assert.Contains("not a readable UpdateSubmitted", Assert.Throws<InvalidChunkException>(() => spool.Add(slices[^1])).Message);
    }

    [Fact]
    public void Bytes_larger_than_one_json_token_travel_as_segments_and_come_back_whole()
    {
        var big = new byte[SegmentedBytesConverter.SegmentBytes + 1234];
        new Random(7).NextBytes(big);
        var json = JsonSerializer.SerializeToUtf8Bytes(new TensorPayload { Name = "w", Shape = [big.Length / 4], Data = big, Sha256 = "x" }, WireJson.Options);
        var back = JsonSerializer.Deserialize<TensorPayload>(json, WireJson.Options)!;
        Assert.Equal(big, back.Data);
        Assert.True(json.AsSpan().IndexOf("\"data\":[\""u8) >= 0, "the bytes were written as an array of base64 segments");
    }

    public void Dispose() => temp.Dispose();
}
