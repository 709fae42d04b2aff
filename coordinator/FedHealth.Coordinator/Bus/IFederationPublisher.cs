namespace FedHealth.Coordinator.Bus;

/// <summary>What the actors need of the bus: publish one contract message. Kept narrow so actors stay thin and testable.</summary>
public interface IFederationPublisher
{
    Task Publish<T>(T message) where T : class;

    /// <summary>
    /// False while the bus has lost its broker: nothing sites send can arrive then, so a job holds its deadlines and
    /// liveness judgments still instead of counting an outage against the sites.
    /// </summary>
    bool IsUp { get; }
}
