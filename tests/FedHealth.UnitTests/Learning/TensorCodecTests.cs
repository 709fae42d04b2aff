using FedHealth.Contracts;
using FedHealth.Learning.Codec;
using FedHealth.Learning.Models;

namespace FedHealth.Tests.Learning;

public sealed class TensorCodecTests
{
    private static readonly ParameterLayout Layout = ParameterLayout.For(new ModelSpec { Kind = "mlp", Features = 3, HiddenUnits = 2 });

    [Fact]
    public void Weights_round_trip_exactly_through_the_wire_payload()
    {
        var original = FlatParameters.Initial(Layout, seed: 7);
        var decoded = FlatParameters.FromWeights(Layout, original.ToWeights());
        Assert.Equal(original.Values, decoded.Values);
        Assert.Equal(["hidden.weight", "hidden.bias", "output.weight", "output.bias"], original.ToWeights().Tensors.Select(t => t.Name));
    }

    [Fact]
    public void A_payload_whose_bytes_changed_in_transit_is_refused_by_checksum()
    {
        var weights = FlatParameters.Initial(Layout, 1).ToWeights();
        var tampered = weights.Tensors[0].Data.ToArray();
        tampered[0] ^= 0x01;
        var bad = Replace(weights, 0, weights.Tensors[0] with { Data = tampered });
        var e = Assert.Throws<InvalidPayloadException>(() => FlatParameters.FromWeights(Layout, bad));
        Assert.Contains("SHA-256", e.Message);
        Assert.Contains("hidden.weight", e.Message);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Non_finite_values_are_refused_even_with_a_valid_checksum(float value)
    {
        var values = FlatParameters.Initial(Layout, 1).Values;
        values[4] = value;
        var e = Assert.Throws<InvalidPayloadException>(() => FlatParameters.FromWeights(Layout, new FlatParameters(Layout, values).ToWeights()));
        Assert.Contains("NaN or infinite", e.Message);
    }

    [Fact]
    public void A_tensor_of_the_wrong_shape_is_refused_naming_expected_and_actual()
    {
        var weights = FlatParameters.Initial(Layout, 1).ToWeights();
        var wrong = TensorCodec.Encode("hidden.weight", [3, 2], new float[6]);
        var e = Assert.Throws<InvalidPayloadException>(() => FlatParameters.FromWeights(Layout, Replace(weights, 0, wrong)));
        Assert.Contains("[3,2]", e.Message);
        Assert.Contains("[2,3]", e.Message);
    }

    [Fact]
    public void Missing_tensors_and_unknown_dtypes_are_refused()
    {
        var weights = FlatParameters.Initial(Layout, 1).ToWeights();
        Assert.Throws<InvalidPayloadException>(() => FlatParameters.FromWeights(Layout, new ModelWeights { Tensors = weights.Tensors.Take(3).ToList() }));
        var float64 = Replace(weights, 1, weights.Tensors[1] with { DType = "float64" });
        Assert.Contains("float64", Assert.Throws<InvalidPayloadException>(() => FlatParameters.FromWeights(Layout, float64)).Message);
    }

    [Fact]
    public void Initial_weights_depend_only_on_the_seed()
    {
        Assert.Equal(FlatParameters.Initial(Layout, 3).Values, FlatParameters.Initial(Layout, 3).Values);
        Assert.NotEqual(FlatParameters.Initial(Layout, 3).Values, FlatParameters.Initial(Layout, 4).Values);
    }

    private static ModelWeights Replace(ModelWeights w, int index, TensorPayload t) =>
        new() { Tensors = w.Tensors.Select((x, i) => i == index ? t : x).ToList() };
}
