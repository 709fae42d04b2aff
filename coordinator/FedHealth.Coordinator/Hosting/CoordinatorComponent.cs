using FedHealth.Coordinator.Bus;
using FedHealth.Messaging;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace FedHealth.Coordinator.Hosting;

/// <summary>Wires the coordinator into a host: the actor node, its publisher, and its consumers on the coordinator queue.</summary>
public static class CoordinatorComponent
{
    public static IServiceCollection AddCoordinator(this IServiceCollection services, CoordinatorOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IFederationPublisher, BusPublisher>();
        services.AddSingleton<CoordinatorNode>();
        services.AddHostedService(sp => sp.GetRequiredService<CoordinatorNode>());
        return services;
    }

    public static void RegisterConsumers(IBusRegistrationConfigurator x)
    {
        x.AddConsumer<SiteMessagesConsumer>();
        x.AddConsumer<CreateJobConsumer>();
        x.AddConsumer<FederationStatusConsumer>();
    }

    public static void ConfigureEndpoints(IBusRegistrationContext context, IBusFactoryConfigurator cfg) =>
        cfg.ReceiveEndpoint(EndpointNames.Coordinator, e =>
        {
            e.ConfigureConsumer<SiteMessagesConsumer>(context);
            e.ConfigureConsumer<CreateJobConsumer>(context);
            e.ConfigureConsumer<FederationStatusConsumer>(context);
        });
}
