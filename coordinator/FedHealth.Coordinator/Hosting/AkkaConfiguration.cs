using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.Singleton;
using Akka.Configuration;
using Akka.DistributedData;
using Akka.Persistence.Sql;

namespace FedHealth.Coordinator.Hosting;

/// <summary>
/// The HOCON of a coordinator node: cluster provider, split-brain resolver, SQL journal and our serializer, over the
/// reference configuration of every extension the node uses (sharding, singletons, distributed data, persistence).
/// </summary>
/// <remarks>
/// Those reference configurations must be there from the start. An extension loaded later injects its own
/// (<c>Settings.InjectTopLevelFallback</c>) and Akka.NET then builds a new <c>system.Serialization</c> from the
/// configuration; whoever took the old one keeps it. The SQL journal takes it once, when it starts. So when a
/// persistent singleton (the ledger, the site registry) started the journal before cluster sharding was first
/// touched, the journal could never read the shard coordinator's own events (serializer id 13, "Cannot find
/// serializer with id [13]"), and a restarted coordinator accepted no job and resumed none. Which came first
/// depended on start-up timing, so it showed on loaded machines. With the defaults in place from the start, every
/// serialization the system ever builds knows every serializer; <see cref="CoordinatorSystem.Create"/> checks that.
/// An existing journal needs nothing: its events were always written with these serializers.
/// </remarks>
public static class AkkaConfiguration
{
    public const string SystemName = "fedhealth";

    public static Config For(CoordinatorOptions o)
    {
        var connection = Quote(o.JournalConnectionString());
        // Over TLS a node's address is akka.ssl.tcp://: a seed written akka.tcp:// (as without TLS) means the same node.
        var tls = RemotingTls.Enabled(o);
        var seeds = string.Join(", ", o.SeedNodes.Select(seed => tls && seed.StartsWith("akka.tcp://", StringComparison.Ordinal)
            ? "akka.ssl.tcp://" + seed["akka.tcp://".Length..] : seed).Select(Quote));
        var wireBindings = string.Join("\n", WireSerializer.BoundTypes.Select(t => $"{Quote($"{t.FullName}, {t.Assembly.GetName().Name}")} = fedhealth-wire"));
        return ConfigurationFactory.ParseString($$"""
            akka {
              loglevel = {{o.AkkaLogLevel}}
              loggers = ["Akka.Event.DefaultLogger"]
              actor {
                provider = cluster
                serializers {
                  fedhealth-journal = "FedHealth.Coordinator.Hosting.JournalSerializer, FedHealth.Coordinator"
                  fedhealth-wire = "FedHealth.Coordinator.Hosting.WireSerializer, FedHealth.Coordinator"
                }
                serialization-bindings {
                  "FedHealth.Coordinator.Jobs.IJobEvent, FedHealth.Coordinator" = fedhealth-journal
                  "FedHealth.Coordinator.Jobs.JobSnapshot, FedHealth.Coordinator" = fedhealth-journal
                  {{wireBindings}}
                }
              }
              # Job messages cross nodes when a node takes a site's message for a job another node runs; an update
              # or slice of a large model must fit one frame (a slice is at most Bus:ChunkBytes, 16 MiB by default).
              remote.dot-netty.tcp {
                hostname = {{Quote(o.Hostname)}}, port = {{o.Port}}, enable-ssl = {{(tls ? "on" : "off")}}
                maximum-frame-size = 64 MiB, send-buffer-size = 64 MiB, receive-buffer-size = 64 MiB
              }
              cluster {
                seed-nodes = [{{seeds}}]
                # keep-majority: on a partition the side with most nodes stays, the other downs itself, so a job
                # is never driven by two nodes at once.
                downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
                # The proxies start before the node is up and warn at once that they "failed to find" their singleton
                # "after 30 seconds"; the warning is wrong at start, and a missing singleton shows as timed-out requests.
                singleton-proxy.log-singleton-identification-failure = off
                split-brain-resolver { active-strategy = keep-majority, stable-after = {{(int)o.DowningStableAfter.TotalMilliseconds}}ms }
                sharding {
                  # A running job may hear nothing for a whole round of long local training; it must not be put to
                  # sleep meanwhile (its deadline timer lives in it). Ended jobs passivate themselves.
                  passivate-idle-entity-after = off
                  # Jobs only move when their node leaves: moving a live job to a node that just joined would stop it and
                  # replay its journal for no gain. (The shards of a dead node are placed again on first use, not by rebalancing.)
                  rebalance-interval = 3650d
                }
              }
              persistence {
                journal {
                  plugin = "akka.persistence.journal.sql"
                  # Parameters, not linq2db's default of rows built as SQL text: an event carrying a 300 MB model
                  # became a hex literal many times its size in memory.
                  sql {
                    connection-string = {{connection}}, provider-name = {{Quote(o.ProviderName)}}, auto-initialize = true
                    prefer-parameters-on-multirow-insert = true
                  }
                }
                snapshot-store {
                  plugin = "akka.persistence.snapshot-store.sql"
                  sql { connection-string = {{connection}}, provider-name = {{Quote(o.ProviderName)}}, auto-initialize = true }
                }
              }
            }
            """).WithFallback(ExtensionDefaults);
    }

    /// <summary>The reference configuration of each extension a node starts, so that none of them injects it later.</summary>
    public static Config ExtensionDefaults =>
        SqlPersistence.DefaultConfiguration
            .WithFallback(Akka.Persistence.Persistence.DefaultConfig())
            .WithFallback(ClusterSharding.DefaultConfig())
            .WithFallback(ClusterSingleton.DefaultConfig())
            .WithFallback(DistributedData.DefaultConfig());

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
