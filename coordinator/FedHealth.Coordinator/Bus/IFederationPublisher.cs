namespace FedHealth.Coordinator.Bus;

/// <summary>What the actors need of the bus: publish one contract message. Kept narrow so actors stay thin and testable.</summary>
public interface IFederationPublisher
{
    Task Publish<T>(T message) where T : class;
}
