namespace FedHealth.Tests.Support;

/// <summary>
/// A fact that runs only where Debian's dataset-fashion-mnist is installed (IDX, gzip; a standard image benchmark, not
/// medical data), and says how to install it otherwise: infra/datasets/fashion-mnist.sh installs it for the test run.
/// </summary>
public sealed class FashionMnistFactAttribute : FactAttribute
{
    public const string Folder = "/usr/share/datasets/fashion-mnist";

    public FashionMnistFactAttribute()
    {
        if (!File.Exists(Path.Combine(Folder, "train-images-idx3-ubyte.gz")) || !File.Exists(Path.Combine(Folder, "t10k-images-idx3-ubyte.gz")))
            Skip = $"Fashion-MNIST is not installed at {Folder}: run infra/datasets/fashion-mnist.sh (Debian's dataset-fashion-mnist)";
    }
}
