using Akka.Configuration;
using Akka.Persistence.Sql;

namespace FedHealth.Coordinator.Hosting;

/// <summary>The HOCON of a coordinator node: cluster provider, split-brain resolver, SQL journal and our serializer.</summary>
public static class AkkaConfiguration
{
    public const string SystemName = "fedhealth";

    public static Config For(CoordinatorOptions o)
    {
        var connection = Quote(o.JournalConnectionString());
        var seeds = string.Join(", ", o.SeedNodes.Select(Quote));
        return ConfigurationFactory.ParseString($$"""
            akka {
              loglevel = {{o.AkkaLogLevel}}
              loggers = ["Akka.Event.DefaultLogger"]
              actor {
                provider = cluster
                serializers { fedhealth-journal = "FedHealth.Coordinator.Hosting.JournalSerializer, FedHealth.Coordinator" }
                serialization-bindings { "FedHealth.Coordinator.Jobs.IJobEvent, FedHealth.Coordinator" = fedhealth-journal }
              }
              remote.dot-netty.tcp { hostname = {{Quote(o.Hostname)}}, port = {{o.Port}} }
              cluster {
                seed-nodes = [{{seeds}}]
                # keep-majority: on a partition the side with most nodes stays, the other downs itself, so a job
                # is never driven by two nodes at once.
                downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
                split-brain-resolver { active-strategy = keep-majority, stable-after = 10s }
              }
              persistence {
                journal {
                  plugin = "akka.persistence.journal.sql"
                  sql { connection-string = {{connection}}, provider-name = {{Quote(o.ProviderName)}}, auto-initialize = true }
                }
                snapshot-store {
                  plugin = "akka.persistence.snapshot-store.sql"
                  sql { connection-string = {{connection}}, provider-name = {{Quote(o.ProviderName)}}, auto-initialize = true }
                }
              }
            }
            """).WithFallback(SqlPersistence.DefaultConfiguration);
    }

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
