using FedHealth.Coordinator.Bus;
using FedHealth.Coordinator.Jobs;
using FedHealth.Privacy.Crypto;
using System.Security.Cryptography.X509Certificates;
using FedHealth.Contracts;
using FedHealth.Messaging;
using FedHealth.Messaging.Signing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace FedHealth.Coordinator.Hosting;

/// <summary>Wires the coordinator into a host: the actor node, its publisher, and its consumers on the coordinator queue.</summary>
public static class CoordinatorComponent
{
    public static IServiceCollection AddCoordinator(this IServiceCollection services, CoordinatorOptions options, SecureAggregationKeys? keys = null)
    {
        services.AddSingleton(options);
        keys ??= LoadKeys(options);
        if (keys is not null)
        {
            // The file is followed while the coordinator runs: a revoked site is cut off, an enrolled or re-keyed one
            // heard, at once, by the bus's signature checks, the heartbeats and the jobs' secure rounds alike.
            if (options.ConsortiumFile is { } file)
                keys = keys with
                {
                    Consortium = new ConsortiumFileSource(file, keys.Trust, options.ConsortiumCaFile is { } ca
                        ? X509Certificate2.CreateFromPem(File.ReadAllText(ca)) : null)
                };
            services.AddMessageSigning(keys.Consortium, MessageSender.Coordinator, keys.Signing);
            services.AddSingleton(keys.Consortium);
            services.AddSingleton(sp => new ConsortiumRelay(keys.Consortium, sp.GetRequiredService<TimeProvider>()));
            services.AddHostedService<ConsortiumFileWatcher>();
        }
        services.AddSingleton(new CoordinatorKeys(keys));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IFederationPublisher, BusPublisher>();
        services.AddSingleton<CoordinatorNode>();
        services.AddHostedService(sp => sp.GetRequiredService<CoordinatorNode>());
        services.AddHealthChecks().AddCheck<CoordinatorNodeHealth>("coordinator-node", tags: ["ready"]);
        return services;
    }

    /// <summary>Reads the consortium file and the coordinator's key, checking that the file names this coordinator's key.</summary>
    public static SecureAggregationKeys? LoadKeys(CoordinatorOptions options)
    {
        if (options.ConsortiumFile is null) return null;
        var trust = ConsortiumTrust.Load(options.ConsortiumFile);
        var key = KeyFiles.LoadOrCreateAgreementKey(options.KeyFile ?? Path.Combine(options.DataDir, "coordinator-key.pem"));
        if (!KeyAgreement.PublicKey(key).AsSpan().SequenceEqual(trust.CoordinatorKey))
            throw new ArgumentException(
                $"{options.ConsortiumFile}: the coordinator key it names is not this coordinator's key ({options.KeyFile ?? "DataDir/coordinator-key.pem"})");
        var signingFile = options.SigningKeyFile ?? Path.Combine(options.DataDir, "coordinator-signing-key.pem");
        if (!File.Exists(signingFile))
            throw new ArgumentException($"{signingFile}: the coordinator's signing key is missing (`fedhealth provision keys` writes it beside " +
                "coordinator-key.pem; set Coordinator:SigningKeyFile)");
        var signing = SigningKey.FromPem(File.ReadAllText(signingFile));
        if (!signing.PublicKey.AsSpan().SequenceEqual(trust.CoordinatorSigningKey))
            throw new ArgumentException($"{options.ConsortiumFile}: the coordinator signing key it names is not the one in {signingFile}");
        return new SecureAggregationKeys(trust, key, signing);
    }

    public static void RegisterConsumers(IBusRegistrationConfigurator x)
    {
        x.AddConsumer<SiteMessagesConsumer>();
        x.AddConsumer<CreateJobConsumer>();
        x.AddConsumer<JobControlConsumer>();
        x.AddConsumer<JobModelConsumer>();
        x.AddConsumer<FederationStatusConsumer>();
        x.AddConsumer<JobQueryConsumer>();
        x.AddConsumer<TransferLedgerConsumer>();
        x.AddConsumer<LedgerVerificationConsumer>();
        x.AddConsumer<ClockProbeConsumer>();
    }

    public static void ConfigureEndpoints(IBusRegistrationContext context, IBusFactoryConfigurator cfg) =>
        cfg.ReceiveEndpoint(EndpointNames.Coordinator, e =>
        {
            DurableEndpoint.Configure(e);
            // Only site messages are retried (the job counts each once). A request is answered at once, with the
            // answer or why there is none (CoordinatorAsk): retrying it would outlast the requester's timeout, and a
            // retried CreateJob would create a second job.
            e.ConfigureConsumer<SiteMessagesConsumer>(context, DurableEndpoint.RetryTransientFailures);
            e.ConfigureConsumer<CreateJobConsumer>(context);
            e.ConfigureConsumer<JobControlConsumer>(context);
            e.ConfigureConsumer<JobModelConsumer>(context);
            e.ConfigureConsumer<FederationStatusConsumer>(context);
            e.ConfigureConsumer<JobQueryConsumer>(context);
            e.ConfigureConsumer<TransferLedgerConsumer>(context);
            e.ConfigureConsumer<LedgerVerificationConsumer>(context);
            e.ConfigureConsumer<ClockProbeConsumer>(context);
        });
}
