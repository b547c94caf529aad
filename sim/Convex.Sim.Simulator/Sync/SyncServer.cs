using Convex.Sim.Core;
using Convex.Sim.Simulator.Network;
using Convex.Sim.Simulator.Scheduling;
using Convex.Sim.Simulator.Workloads;
using Convex.Sim.Sync;

namespace Convex.Sim.Simulator.Sync;

/// <summary>
/// The sync endpoint of the simulated database node, as the server's <c>SyncEndpoint</c> does it
/// for WebSockets: each accepted connection gets a real <see cref="SyncSession"/> on the node's
/// current incarnation, registered with that incarnation's <see cref="SubscriptionManager"/>, plus
/// a keepalive <c>Ping</c> every 15 s. A crash of the node kills its sessions with it (their
/// continuations are dropped) and breaks every connection; the next incarnation starts with a new
/// subscription manager and no sessions.
/// </summary>
internal sealed class SyncServer(SimLoop loop, DatabaseNode node, SimNetwork network, SyncOptions options) : ISimServer
{
    private static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(15);

    /// <summary>The version the simulated clients speak as (one that understands chunked transitions); the
    /// official client says its own in its URL.</summary>
    private const string SimulatedClientVersion = "1.31.0";

    private SubscriptionManager? _subscriptions;
    private object? _incarnation;

    public bool IsAccepting => node.IsUp;

    public int Sessions { get; private set; }

    public void Accept(SimConnection connection)
    {
        Invariant.Assert(node.IsUp);
        var runtime = node.Runtime!;
        if (!ReferenceEquals(_incarnation, runtime))
        {
            _incarnation = runtime;
            _subscriptions = new SubscriptionManager(node.Current!);
        }

        var sessionOptions = new SyncSessionOptions
        {
            ClientVersion = connection.ClientVersion ?? SimulatedClientVersion,
            IsAdminKey = key => key == SyncClient.AdminKey,
            TransitionChunkBytesMax = options.ChunkBytesMax,
        };
        var session = new SyncSession(node.Runner!, node.Current!, runtime, connection.Server, _subscriptions,
            sessionOptions);
        loop.Trace.Record(loop.Elapsed, "db", $"session conn={connection.Id} client {sessionOptions.ClientVersion}");
        Sessions++;
        _ = runtime.Spawn($"sync session conn={connection.Id}", ct => ServeAsync(session, connection, runtime, ct),
            CancellationToken.None);
    }

    /// <summary>The node crashes: its sessions die with it and every connection breaks.</summary>
    public void Crash()
    {
        node.Crash();
        network.BreakAll();
        Invariant.Assert(!node.IsUp);
    }

    private async Task ServeAsync(
        SyncSession session, SimConnection connection, SimRuntime runtime, CancellationToken ct)
    {
        var ended = false;
        _ = runtime.Spawn($"pings conn={connection.Id}", async pingCt =>
        {
            while (true)
            {
                await Task.Delay(PingInterval, loop.Time, pingCt);
                if (ended)
                {
                    return;
                }

                await session.PingAsync(pingCt);
            }
        }, ct);
        try
        {
            await session.RunAsync(ct);
        }
        finally
        {
            ended = true;
        }

        loop.Trace.Record(loop.Elapsed, "db", $"session ended conn={connection.Id}");
    }
}
