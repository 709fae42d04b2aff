using FedHealth.Contracts;
using MassTransit;

namespace FedHealth.Messaging;

/// <summary>Request clients that talk to the coordinator queue (jobs: create, stop, resume, model; status; the transfer ledger). Register once per
/// bus.</summary>
public static class CoordinatorClients
{
    /// <param name="transport">On RabbitMQ requests go to the coordinator's exchange, not its queue: a send to
    /// <c>queue:</c> declares the queue (as a classic queue) if the coordinator has not yet, and the coordinator's own
    /// declaration of it as a quorum queue would then be refused.</param>
    public static void Register(IBusRegistrationConfigurator x, string transport)
    {
        var coordinator = new Uri(transport == BusOptions.RabbitMq ? $"exchange:{EndpointNames.Coordinator}" : $"queue:{EndpointNames.Coordinator}");
        x.AddRequestClient<CreateJob>(coordinator);
        x.AddRequestClient<StopJob>(coordinator);
        x.AddRequestClient<ResumeJob>(coordinator);
        x.AddRequestClient<GetFederationStatus>(coordinator);
        x.AddRequestClient<GetJob>(coordinator);
        x.AddRequestClient<GetJobModel>(coordinator);
        x.AddRequestClient<GetTransferLedger>(coordinator);
        x.AddRequestClient<VerifyTransferLedger>(coordinator);
    }
}
