using System.Text.Json;
using System.Text.Json.Serialization;

namespace FedHealth.Contracts;

/// <summary>JSON for contracts carried inside sealed payloads: camelCase, and ∞/NaN allowed (an unlimited budget is ∞).</summary>
public static class WireJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new SegmentedBytesConverter() },
    };
}
