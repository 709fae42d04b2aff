using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.Singleton;
using Akka.Configuration;

namespace FedHealth.Coordinator.Hosting;

/// <summary>Creates a coordinator node's actor system with every extension loaded before any actor can touch the journal.</summary>
public static class CoordinatorSystem
{
    /// <summary>The extensions a node loads, by name: each may inject its reference configuration when first loaded.</summary>
    public static readonly IReadOnlyList<(string Name, Action<ActorSystem> Load)> Extensions =
    [
        ("cluster", s => Cluster.Get(s)),
        ("cluster sharding", s => ClusterSharding.Get(s)),
        ("cluster singleton", s => ClusterSingleton.Get(s)),
        ("persistence", s => Akka.Persistence.Persistence.Instance.Apply(s)),
    ];

    /// <summary>
    /// The actor system of <paramref name="options"/>, with its extensions already loaded. Throws if loading one of
    /// them added a serializer or a serialization binding: an actor that took the system's serialization before
    /// (the SQL journal does, once) could not read that extension's events (see <see cref="AkkaConfiguration"/>).
    /// </summary>
    public static ActorSystem Create(CoordinatorOptions options)
    {
        var tls = RemotingTls.Setup(options);
        var bootstrap = BootstrapSetup.Create().WithConfig(AkkaConfiguration.For(options));
        var system = ActorSystem.Create(AkkaConfiguration.SystemName, Akka.Actor.Setup.ActorSystemSetup.Create(tls is null ? [bootstrap] : [bootstrap, tls]));
        try
        {
            foreach (var (name, load) in Extensions)
                if (SerializersAddedBy(system, load) is { Count: > 0 } added)
                    throw new InvalidOperationException($"loading {name} added serializers or bindings the coordinator's actor system did not start with " +
                        $"({string.Join(", ", added)}); add its reference configuration to AkkaConfiguration.ExtensionDefaults");
            return system;
        }
        catch
        {
            system.Terminate().Wait(TimeSpan.FromSeconds(10));
            throw;
        }
    }

    /// <summary>The serializers and bindings that <paramref name="load"/> added to the system's configuration.</summary>
    public static IReadOnlyList<string> SerializersAddedBy(ActorSystem system, Action<ActorSystem> load)
    {
        var before = Serialization(system.Settings.Config);
        load(system);
        return Serialization(system.Settings.Config).Except(before).ToList();
    }

    private static readonly string[] SerializationPaths = ["akka.actor.serializers", "akka.actor.serialization-bindings",
        "akka.actor.serialization-identifiers"];

    private static HashSet<string> Serialization(Config config) =>
        SerializationPaths.SelectMany(path => config.GetConfig(path).AsEnumerable().Select(e => $"{path[11..]}: {e.Key} = {e.Value.GetString()}"))
            .ToHashSet();
}
