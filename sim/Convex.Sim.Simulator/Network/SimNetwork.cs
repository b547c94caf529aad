using Convex.Sim.Core;
using Convex.Sim.Simulator.Scheduling;

namespace Convex.Sim.Simulator.Network;

/// <summary>The server side of the simulated network: whether it takes connections, and what it does with
/// one.</summary>
internal interface ISimServer
{
    bool IsAccepting { get; }

    void Accept(SimConnection connection);
}

/// <summary>
/// The simulated network between the sync clients and the server node. Fault model, with rates
/// from <see cref="NetworkOptions"/> (derived from the seed):
/// <list type="bullet">
/// <item>latency: every message takes a uniform latency in [LatencyMin, LatencyMax], never
/// overtaking an earlier message of the same connection and direction;</item>
/// <item>disconnects: a client's connection breaks; a random prefix of the messages in flight in
/// each direction still arrives, the rest is lost; the client's surviving messages may arrive late
/// (<see cref="NetworkOptions.StaleDeliveryMax"/>), after it reconnected; some breaks are silent
/// (the client notices only through its inactivity timeout);</item>
/// <item>partitions: a client cannot reach the server for a while: its connection breaks and every
/// connection attempt fails (after a connect timeout) until the partition heals;</item>
/// <item>a crash of the server node breaks every connection (nothing more reaches the server).</item>
/// </list>
/// Duplicates and reorders across connections arise as in reality: a message of an old connection
/// may be processed by the server's old session after the client re-sent it on a new connection.
/// Every decision draws from one seeded stream in simulation order; every action is traced.
/// </summary>
internal sealed class SimNetwork(SimLoop loop, NetworkOptions options, IRandom random)
{
    /// <summary>How long a connection attempt to an unreachable server takes to fail.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(1);

    private readonly List<SimConnection> _connections = [];
    private readonly SortedDictionary<string, DateTimeOffset> _partitionedUntil = new(StringComparer.Ordinal);
    private long _nextConnection = 1;

    public SimLoop Loop => loop;

    public NetworkOptions Options { get; private set; } = options;

    public ISimServer? Server { get; set; }

    public int Breaks { get; private set; }

    public int Partitions { get; private set; }

    public void Trace(string node, string text) => loop.Trace.Record(loop.Elapsed, node, text);

    /// <summary>When a message sent now arrives (before the per-connection ordering is applied).</summary>
    public DateTimeOffset DeliveryTime()
    {
        var spread = (Options.LatencyMax - Options.LatencyMin).Ticks;
        var jitter = spread <= 0 ? 0 : (long)random.NextBelow((ulong)spread + 1);
        var latency = Options.LatencyMin + TimeSpan.FromTicks(jitter);
        return loop.Time.GetUtcNow() + latency;
    }

    public bool IsPartitioned(string client) =>
        _partitionedUntil.TryGetValue(client, out var until) && until > loop.Time.GetUtcNow();

    /// <summary>Opens a connection for <paramref name="client"/>, or null if the server cannot be reached.</summary>
    public async Task<SimConnection?> ConnectAsync(
        string client, CancellationToken cancellationToken, string? clientVersion = null)
    {
        // The handshake takes a round trip.
        var handshake = (DeliveryTime() - loop.Time.GetUtcNow()) * 2;
        await Task.Delay(handshake, loop.Time, cancellationToken);
        if (IsPartitioned(client) || Server is not { IsAccepting: true } server)
        {
            Trace(client, $"connect failed{(IsPartitioned(client) ? " (partitioned)" : " (server down)")}");
            await Task.Delay(ConnectTimeout, loop.Time, cancellationToken);
            return null;
        }

        var connection = new SimConnection(this, _nextConnection++, client) { ClientVersion = clientVersion };
        _connections.Add(connection);
        Trace(client, $"connected conn={connection.Id}");
        server.Accept(connection);
        Invariant.Assert(!connection.IsBroken || !server.IsAccepting);
        return connection;
    }

    /// <summary>Breaks <paramref name="client"/>'s live connections (a disconnect, or the start of a
    /// partition).</summary>
    public void Disconnect(string client, BreakKind kind)
    {
        Invariant.Assert(kind is BreakKind.Reset or BreakKind.Silent);
        foreach (var connection in Live().Where(c => c.Client == client))
        {
            Breaks++;
            connection.Break(kind, Keep(connection.ToServer), Keep(connection.ToClient), StaleDelay());
        }
    }

    /// <summary>Cuts <paramref name="client"/> off the server for <paramref name="duration"/>.</summary>
    public void Partition(string client, TimeSpan duration, BreakKind kind)
    {
        Partitions++;
        _partitionedUntil[client] = loop.Time.GetUtcNow() + duration;
        Trace(client, $"partition for {duration.TotalMilliseconds}ms");
        Disconnect(client, kind);
    }

    /// <summary>The server node crashed: every connection breaks and nothing more reaches the server.</summary>
    public void BreakAll()
    {
        foreach (var connection in Live())
        {
            Breaks++;
            connection.Break(BreakKind.ServerCrash, 0, Keep(connection.ToClient), TimeSpan.Zero);
        }
    }

    /// <summary>The liveness phase: partitions heal and no more faults are injected.</summary>
    public void Heal()
    {
        _partitionedUntil.Clear();
        Options = Options with { DisconnectIntervalMean = TimeSpan.Zero, PartitionIntervalMean = TimeSpan.Zero };
        Trace("net", "healed");
    }

    /// <summary>A break or partition decision for one client on one nemesis tick (every
    /// <paramref name="tick"/>).</summary>
    public void MaybeFault(string client, TimeSpan tick)
    {
        if (Chance(Options.DisconnectIntervalMean, tick))
        {
            Disconnect(client, random.Chance(Options.SilentPercent, 100) ? BreakKind.Silent : BreakKind.Reset);
        }

        if (Chance(Options.PartitionIntervalMean, tick))
        {
            var duration = TimeSpan.FromTicks((long)random.NextBelow((ulong)Options.PartitionDurationMax.Ticks + 1));
            Partition(client, duration, random.Chance(Options.SilentPercent, 100) ? BreakKind.Silent : BreakKind.Reset);
        }
    }

    private bool Chance(TimeSpan mean, TimeSpan tick) =>
        mean > TimeSpan.Zero && random.Chance(1, Math.Max(1, (int)(mean.Ticks / tick.Ticks)));

    private int Keep(SimChannel channel) => channel.Pending == 0 ? 0 : random.NextInt(0, channel.Pending + 1);

    private TimeSpan StaleDelay() => Options.StaleDeliveryMax <= TimeSpan.Zero
        ? TimeSpan.Zero
        : TimeSpan.FromTicks((long)random.NextBelow((ulong)Options.StaleDeliveryMax.Ticks + 1));

    private List<SimConnection> Live()
    {
        _connections.RemoveAll(c => c.IsBroken);
        return [.. _connections];
    }
}
