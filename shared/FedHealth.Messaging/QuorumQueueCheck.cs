using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace FedHealth.Messaging;

/// <summary>
/// Before the bus starts: a broker that still holds one of our queues as a classic queue (made by an older FedHealth)
/// refuses to have it declared as a quorum queue, and MassTransit would retry that forever with a cryptic log. This
/// declares the queues the way the bus will and turns that refusal into an error that says what to do.
/// </summary>
public static class QuorumQueueCheck
{
    /// <returns>What is wrong (a broker certificate refused under amqps:// included), or null when the queues are fine or the broker cannot be reached now (the
    /// bus retries that).</returns>
    public static async Task<string?> Problem(BusOptions options, IEnumerable<string> queues, CancellationToken cancellationToken = default)
    {
        if (options.Transport != BusOptions.RabbitMq) return null;
        IConnection connection;
        try { connection = await BrokerTls.Factory(options).CreateConnectionAsync(cancellationToken); }
        catch (BrokerUnreachableException e) when (TlsRefusal(e) is { } refusal)
        {
            // Retrying cannot fix a certificate the consortium CA does not vouch for: say so instead of waiting forever.
            return $"TLS to RabbitMQ at {options.Uri.Split('@')[^1]} refused: {refusal.Message}";
        }
        catch (BrokerUnreachableException) { return null; }
        await using (connection)
        {
            foreach (var queue in queues)
            {
                await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
                try
                {
                    await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false,
                        arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" }, cancellationToken: cancellationToken);
                }
                catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 406)
                {
                    return $"RabbitMQ already has the queue '{queue}' with other settings (a classic queue made by an older FedHealth?); " +
                           $"this version declares it as a quorum queue. Once no messages wait in it, delete it (rabbitmqctl -n NODE delete_queue {queue}; " +
                               "the node of infra/rabbitmq is fedhealth@localhost) and start again. " +
                           $"The broker said: {e.ShutdownReason.ReplyText}";
                }
            }
        }
        return null;
    }

    private static System.Security.Authentication.AuthenticationException? TlsRefusal(Exception e)
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            if (current is System.Security.Authentication.AuthenticationException refusal) return refusal;
            if (current is AggregateException aggregate)
                foreach (var inner in aggregate.InnerExceptions)
                    if (TlsRefusal(inner) is { } found) return found;
        }
        return null;
    }
}
