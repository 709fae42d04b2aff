using System.Text.Json.Serialization;
using MassTransit;
using FedHealth.Messaging.Signing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FedHealth.Messaging;

/// <summary>
/// Registers MassTransit on the chosen transport. Each component adds its endpoints through
/// <paramref name="configureEndpoints"/>, so one process can host one component (production) or all of them (local).
/// </summary>
public static class FederationBus
{
    public static IServiceCollection AddFederationBus(this IServiceCollection services, BusOptions options,
        Action<IBusRegistrationConfigurator> registerConsumers,
        Action<IBusRegistrationContext, IBusFactoryConfigurator> configureEndpoints)
    {
        options.Validate();
        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<MessageSigning>();
        services.AddOptions<MassTransitHostOptions>().Configure(o =>
        {
            o.WaitUntilStarted = true;
            o.StartTimeout = TimeSpan.FromSeconds(60);
            o.StopTimeout = TimeSpan.FromSeconds(10);
        });
        services.AddMassTransit(x =>
        {
            // MassTransit 8.4+ reports usage (endpoint names: a site's id) to its vendor over HTTPS five minutes after
            // the bus starts. Nothing of a hospital's leaves except to the broker (the variable MASSTRANSIT_USAGE_TELEMETRY
            // would turn it back on; no FedHealth deployable sets it).
            x.DisableUsageTelemetry();
            registerConsumers(x);
            if (options.Transport == BusOptions.RabbitMq)
            {
                var tls = BrokerTls.From(options);
                x.UsingRabbitMq((context, cfg) =>
                {
                    cfg.Host(new Uri(options.Uri), h =>
                    {
                        if (tls is not null)
                            h.UseSsl(s =>
                            {
                                s.ServerName = tls.ServerName;
                                s.CertificateValidationCallback = tls.Validate;
                                if (tls.ClientCertificate is { } client)
                                {
                                    s.Certificate = client;
                                    // Read again at each handshake: a renewed certificate is shown from the next connection.
                                    s.CertificateSelectionCallback = tls.SelectClientCertificate;
                                }
                                s.UseCertificateAsAuthenticationIdentity = tls.CertificateLogin;
                            });
                        h.PublisherConfirmation = true;
                        // RabbitMQ.Client refuses bodies over 64 MiB by default; stay below the broker's 128 MiB limit.
                        h.MaxMessageSize(120 * 1024 * 1024);
                    });
                    AllowNonFiniteNumbers(cfg);
                    SignAndVerify(context, cfg);
                    configureEndpoints(context, cfg);
                });
            }
            else
            {
                x.UsingInMemory((context, cfg) =>
                {
                    AllowNonFiniteNumbers(cfg);
                    SignAndVerify(context, cfg);
                    configureEndpoints(context, cfg);
                });
            }
        });
        return services;
    }

    /// <summary>
    /// Every message out is signed by its rightful sender's key where this process holds it, and every message in, on
    /// every endpoint, is taken only when its rightful sender signed it (<see cref="MessageSigning"/>).
    /// </summary>
    private static void SignAndVerify(IBusRegistrationContext context, IBusFactoryConfigurator cfg)
    {
        cfg.UseSendFilter(typeof(SignSentFilter<>), context);
        cfg.UsePublishFilter(typeof(SignPublishedFilter<>), context);
        cfg.UseConsumeFilter(typeof(VerifyIncomingFilter<>), context);
        // The contracts' marker interfaces say who sends a message; nobody subscribes to them. Without this MassTransit
        // would bind each message's exchange to one per interface, which a site's account may not touch (BrokerPermissions).
        foreach (var marker in MarkerInterfaces)
            ExcludeMethod.MakeGenericMethod(marker).Invoke(null, [cfg]);
    }

    /// <summary>Every interface of the contracts: each says who sends a message or what it is about, none is a message of its own.</summary>
    public static IReadOnlyList<Type> MarkerInterfaces { get; } =
        typeof(FedHealth.Contracts.ISiteMessage).Assembly.GetTypes().Where(t => t.IsInterface && t.IsPublic)
            .OrderBy(t => t.Name, StringComparer.Ordinal).ToList();

    private static readonly System.Reflection.MethodInfo ExcludeMethod =
        typeof(FederationBus).GetMethod(nameof(Exclude), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;

    private static void Exclude<T>(IBusFactoryConfigurator cfg) where T : class => cfg.Publish<T>(p => p.Exclude = true);

    // A site whose held-out rows hold one class has an undefined (NaN) AUC; it must still travel.
    private static void AllowNonFiniteNumbers(IBusFactoryConfigurator cfg) =>
        cfg.ConfigureJsonSerializerOptions(o =>
        {
            o.NumberHandling |= JsonNumberHandling.AllowNamedFloatingPointLiterals;
            o.Converters.Add(new FedHealth.Contracts.SegmentedBytesConverter());
            return o;
        });
}
