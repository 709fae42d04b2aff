using FedHealth.Contracts;
using FedHealth.Learning.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedHealth.Learning.Torch;

/// <summary>Builds the TorchSharp module for a <see cref="ModelSpec"/>; its parameters follow <see cref="ParameterLayout.For"/>.</summary>
public static class TorchModels
{
    public static nn.Module<Tensor, Tensor> Create(ModelSpec spec) => spec.Kind switch
    {
        ModelKinds.Logistic => new LogisticRegression(spec.Features),
        ModelKinds.Mlp => new Perceptron(spec.Features, spec.HiddenUnits),
        _ => throw new ArgumentException($"unknown model kind '{spec.Kind}' (known: {string.Join(", ", ModelKinds.All)})"),
    };
}

/// <summary>One linear layer giving a logit: logistic regression.</summary>
public sealed class LogisticRegression : nn.Module<Tensor, Tensor>
{
    private readonly Linear linear;

    public LogisticRegression(int features) : base(nameof(LogisticRegression))
    {
        linear = nn.Linear(features, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => linear.forward(input).squeeze(-1);
}

/// <summary>A one-hidden-layer perceptron with ReLU giving a logit.</summary>
public sealed class Perceptron : nn.Module<Tensor, Tensor>
{
    private readonly Linear hidden;
    private readonly Linear output;

    public Perceptron(int features, int hiddenUnits) : base(nameof(Perceptron))
    {
        hidden = nn.Linear(features, hiddenUnits);
        output = nn.Linear(hiddenUnits, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var h = nn.functional.relu(hidden.forward(input));
        return output.forward(h).squeeze(-1);
    }
}
