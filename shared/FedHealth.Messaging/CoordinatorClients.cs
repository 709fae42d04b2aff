using FedHealth.Contracts;
using MassTransit;

namespace FedHealth.Messaging;

/// <summary>Request clients that talk to the coordinator queue (job creation, status). Register once per bus.</summary>
public static class CoordinatorClients
{
    public static void Register(IBusRegistrationConfigurator x)
    {
        var coordinator = new Uri($"queue:{EndpointNames.Coordinator}");
        x.AddRequestClient<CreateJob>(coordinator);
        x.AddRequestClient<GetFederationStatus>(coordinator);
        x.AddRequestClient<GetTransferLedger>(coordinator);
    }
}
