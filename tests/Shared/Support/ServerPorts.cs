using System.Net;
using System.Net.Sockets;

namespace FedHealth.Tests.Support;

/// <summary>
/// Ports and node names for the test servers (RabbitMQ, PostgreSQL), their own per test process: two runs on one machine
/// (a developer's and a helper's, or two worktrees) must never share a broker node, or one run's sites would join the
/// other's federation (their messages refused as signed by unknown keys, their queues competing for the other's
/// requests) and one run's stop would take the other's broker away; nor fail to start a server on a port in use.
/// </summary>
public static class ServerPorts
{
    /// <summary>A node name no other test process uses.</summary>
    public static string Node(string kind) => $"fedhealth-{kind}-{Environment.ProcessId}@localhost";

    /// <summary>
    /// <paramref name="count"/> consecutive free AMQP ports whose Erlang distribution ports (each + 20000, see
    /// infra/rabbitmq/start.sh) are free too, from a random place in 20000..39999.
    /// </summary>
    public static int FreeRun(int count)
    {
        for (var tries = 0; tries < 200; tries++)
        {
            var first = Random.Shared.Next(20000, 40000 - count);
            if (Enumerable.Range(first, count).All(p => Free(p) && Free(p + 20000))) return first;
        }
        throw new InvalidOperationException("no free ports for a test server in 20000..39999 (and their distribution ports)");
    }

    private static bool Free(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException) { return false; }
    }
}
