namespace FedHealth.Tests.Support;

/// <summary>
/// The test classes that train with libtorch run one after another: the trainers seed libtorch's random generator,
/// which is global to the process, so two trainings in parallel would draw from each other's stream.
/// </summary>
[CollectionDefinition(Name)]
public sealed class TorchCollection
{
    public const string Name = "libtorch's global random generator";
}
