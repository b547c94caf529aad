using Convex.Sim.Simulator.Network;
using Convex.Sim.Simulator.Scheduling;

namespace Convex.Sim.Simulator.Tests.Sync;

/// <summary>The simulated network keeps each connection's order, and a break delivers a prefix and then the close.</summary>
public sealed class SimNetworkTests
{
    private sealed class Server : ISimServer
    {
        public List<SimConnection> Accepted { get; } = [];

        public bool IsAccepting { get; set; } = true;

        public void Accept(SimConnection connection) => Accepted.Add(connection);
    }

    private static (SimLoop Loop, SimNetwork Network, Server Server) Setup(ulong seed)
    {
        var loop = new SimLoop(seed, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var options = new NetworkOptions { LatencyMin = TimeSpan.Zero, LatencyMax = TimeSpan.FromMilliseconds(50) };
        var server = new Server();
        var network = new SimNetwork(loop, options, loop.Random.Fork("network")) { Server = server };
        return (loop, network, server);
    }

    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    public void Messages_of_one_connection_arrive_in_order_despite_random_latency(ulong seed)
    {
        var (loop, network, _) = Setup(seed);
        var received = new List<string?>();
        var outcome = loop.Run(async () =>
        {
            var connection = (await network.ConnectAsync("c", CancellationToken.None))!;
            for (var i = 0; i < 20; i++)
            {
                connection.SendToServer($"m{i}");
            }

            connection.CloseFromClient();
            while (await connection.Server.ReceiveAsync(CancellationToken.None) is { } text)
            {
                received.Add(text);
            }
        }, TimeSpan.FromMinutes(1));

        Assert.Equal(RunOutcome.Completed, outcome);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"m{i}"), received);
    }

    [Fact]
    public void A_break_delivers_a_prefix_then_the_close_and_later_sends_are_lost()
    {
        var (loop, network, _) = Setup(3);
        var received = new List<string>();
        var outcome = loop.Run(async () =>
        {
            var connection = (await network.ConnectAsync("c", CancellationToken.None))!;
            for (var i = 0; i < 10; i++)
            {
                connection.SendToClient($"m{i}");
            }

            network.Disconnect("c", BreakKind.Reset);
            connection.SendToClient("late");
            while (await connection.ToClient.ReceiveAsync(CancellationToken.None) is { } text)
            {
                received.Add(text);
            }
        }, TimeSpan.FromMinutes(1));

        Assert.Equal(RunOutcome.Completed, outcome);
        Assert.Equal(Enumerable.Range(0, received.Count).Select(i => $"m{i}"), received);
        Assert.DoesNotContain("late", received);
    }

    [Fact]
    public void A_partitioned_client_cannot_connect_until_the_partition_heals()
    {
        var (loop, network, server) = Setup(4);
        var results = new List<bool>();
        var outcome = loop.Run(async () =>
        {
            network.Partition("c", TimeSpan.FromSeconds(5), BreakKind.Reset);
            results.Add(await network.ConnectAsync("c", CancellationToken.None) is not null);
            await Task.Delay(TimeSpan.FromSeconds(5), loop.Time);
            results.Add(await network.ConnectAsync("c", CancellationToken.None) is not null);
        }, TimeSpan.FromMinutes(1));

        Assert.Equal(RunOutcome.Completed, outcome);
        Assert.Equal([false, true], results);
        Assert.Single(server.Accepted);
    }
}
