using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FedHealth.Tests.Support;

/// <summary>
/// What an OpenTelemetry collector receives over OTLP/HTTP (protobuf) on a loopback port, decoded just far enough to
/// check traces: each span's trace, id, parent, name, string attributes and the service that sent it. The wire format
/// is read field by field here (opentelemetry-proto's trace.proto numbers), so no generated code is needed.
/// </summary>
public sealed class OtlpCollector : IAsyncDisposable
{
    public sealed record Span(string Service, string TraceId, string SpanId, string ParentSpanId, string Name, IReadOnlyDictionary<string, string> Attributes);

    private readonly ConcurrentQueue<Span> spans = new();
    private WebApplication? app;

    public IReadOnlyList<Span> Spans => [.. spans];
    public string TracesUrl { get; private set; } = "";

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        app = builder.Build();
        app.MapPost("/v1/traces", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            foreach (var span in Decode(body.ToArray())) spans.Enqueue(span);
            return Results.Ok();
        });
        await app.StartAsync();
        TracesUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + "/v1/traces";
    }

    /// <summary>ExportTraceServiceRequest: resource_spans = 1 { resource = 1 { attributes = 1 }, scope_spans = 2 { spans = 2 } }.</summary>
    public static IEnumerable<Span> Decode(ReadOnlyMemory<byte> request)
    {
        foreach (var resourceSpans in Fields(request).Where(f => f.Number == 1))
        {
            var fields = Fields(resourceSpans.Bytes).ToList();
            var resource = fields.Where(f => f.Number == 1).Select(f => Attributes(f.Bytes, 1)).FirstOrDefault() ?? new Dictionary<string, string>();
            var service = resource.GetValueOrDefault("service.name", "");
            foreach (var scopeSpans in fields.Where(f => f.Number == 2))
                foreach (var span in Fields(scopeSpans.Bytes).Where(f => f.Number == 2))
                {
                    var s = Fields(span.Bytes).ToList();
                    string Hex(int n) => Convert.ToHexString(s.FirstOrDefault(f => f.Number == n).Bytes.Span).ToLowerInvariant();
                    yield return new Span(service, Hex(1), Hex(2), Hex(4), Encoding.UTF8.GetString(s.FirstOrDefault(f => f.Number == 5).Bytes.Span),
                        Attributes(span.Bytes, 9));
                }
        }
    }

    /// <summary>The string and integer values of the KeyValue list at field <paramref name="number"/> (key = 1, value = 2 { string = 1, int = 3 }).</summary>
    private static Dictionary<string, string> Attributes(ReadOnlyMemory<byte> message, int number)
    {
        var attributes = new Dictionary<string, string>();
        foreach (var pair in Fields(message).Where(f => f.Number == number))
        {
            var kv = Fields(pair.Bytes).ToList();
            var key = Encoding.UTF8.GetString(kv.FirstOrDefault(f => f.Number == 1).Bytes.Span);
            var value = Fields(kv.FirstOrDefault(f => f.Number == 2).Bytes).FirstOrDefault();
            attributes[key] = value.Number switch
            {
                1 => Encoding.UTF8.GetString(value.Bytes.Span),
                3 => ((long)value.Varint).ToString(System.Globalization.CultureInfo.InvariantCulture),
                _ => "",
            };
        }
        return attributes;
    }

    private readonly record struct Field(int Number, ReadOnlyMemory<byte> Bytes, ulong Varint);

    /// <summary>The fields of one protobuf message: varints (wire type 0), fixed 64 and 32 bits (1, 5), length-delimited bytes (2).</summary>
    private static IEnumerable<Field> Fields(ReadOnlyMemory<byte> message)
    {
        var at = 0;
        while (at < message.Length)
        {
            var tag = Varint(message.Span, ref at);
            var (number, wire) = ((int)(tag >> 3), (int)(tag & 7));
            switch (wire)
            {
                case 0: yield return new Field(number, default, Varint(message.Span, ref at)); break;
                case 1: yield return new Field(number, message.Slice(at, 8), 0); at += 8; break;
                case 5: yield return new Field(number, message.Slice(at, 4), 0); at += 4; break;
                case 2:
                    var length = (int)Varint(message.Span, ref at);
                    yield return new Field(number, message.Slice(at, length), 0);
                    at += length;
                    break;
                default: throw new InvalidDataException($"protobuf wire type {wire} of field {number} at byte {at} is not one OTLP uses");
            }
        }
    }

    private static ulong Varint(ReadOnlySpan<byte> bytes, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = bytes[at++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return value;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null) await app.DisposeAsync();
    }
}
