namespace FedHealth.Tests.Support;

/// <summary>Both real servers at once, for tests of the production shape (cluster on PostgreSQL, sites over RabbitMQ).</summary>
public sealed class RealServers : IDisposable
{
    public RabbitMqBroker RabbitMq { get; } = new();
    public PostgreSqlServer PostgreSql { get; } = new();

    public void Dispose()
    {
        RabbitMq.Dispose();
        PostgreSql.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class RealServersCollection : ICollectionFixture<RealServers>
{
    public const string Name = "real RabbitMQ and PostgreSQL";
}
