using Convex.Sim.Core;
using Convex.Sim.Simulator.Network;

namespace Convex.Sim.Simulator.Sync;

/// <summary>A bug planted in the simulated client, so tests can show that a checker catches it.</summary>
internal enum PlantedClientBug
{
    None = 0,

    /// <summary>Resolve a mutation on its successful response instead of the covering transition (§3.7.2).</summary>
    ResolveOnResponse = 1,

    /// <summary>
    /// Official client only: the socket shim strips the <c>QueryUpdated</c> modifications from every
    /// second unchunked transition before the official client sees it (a lost update between the
    /// network and the client). The client's results go stale while its versions move on.
    /// </summary>
    DropQueryUpdates = 2,
}

/// <summary>The knobs of the sync scenario, derived from the seed (swarm testing).</summary>
internal sealed record SyncOptions
{
    public int Clients { get; init; } = 3;

    public int KeyCount { get; init; } = 3;

    /// <summary>How many queries a client keeps subscribed at most.</summary>
    public int QueriesPerClientMax { get; init; } = 2;

    /// <summary>Operations per client in the safety phase: mutations, actions, (un)subscriptions.</summary>
    public int OpsPerClient { get; init; } = 20;

    public TimeSpan ThinkTimeMax { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How many mutations and actions a client has in flight at most.</summary>
    public int RequestsInFlightMax { get; init; } = 2;

    public int ActionPercent { get; init; } = 10;

    /// <summary>The client reconnects after this long without any message (convex-compat §3.2).</summary>
    public TimeSpan InactivityTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public NetworkOptions Network { get; init; } = new();

    public PlantedClientBug Bug { get; init; } = PlantedClientBug.None;

    /// <summary>The server sends transitions larger than this as <c>TransitionChunk</c>s (convex-compat §3.4.7).</summary>
    public int ChunkBytesMax { get; init; } = Convex.Sim.Sync.Protocol.TransitionChunker.ChunkBytesMax;

    /// <summary>Share (in %) of a client's operations that change its authentication (admin key, or none).</summary>
    public int AuthPercent { get; init; }

    /// <summary>Share (in %) of authentication changes that send a wrong admin key (answered with <c>AuthError</c>).</summary>
    public int WrongKeyPercent { get; init; }

    /// <summary>Which client speaks the protocol: the simulated one, or the official client in Jint.</summary>
    public SyncClientKind Client { get; init; } = SyncClientKind.Simulated;

    /// <summary>The seed picked the official client but its bundle was not found (no <c>npm ci</c> in
    /// tests/functions).</summary>
    public bool OfficialClientUnavailable { get; init; }

    public static SyncOptions Randomize(IRandom random)
    {
        var options = WithProtocolKnobs(new SyncOptions
        {
            Clients = random.NextInt(1, 6),
            KeyCount = random.NextInt(1, 6),
            QueriesPerClientMax = random.NextInt(1, 4),
            OpsPerClient = random.NextInt(6, 26),
            ThinkTimeMax = TimeSpan.FromMilliseconds(random.NextInt(0, 400)),
            RequestsInFlightMax = random.NextInt(1, 5),
            ActionPercent = random.Chance(1, 2) ? random.NextInt(0, 25) : 0,
            Network = NetworkOptions.Randomize(random.Fork("network")),
        }, random.Fork("protocol"));
        return WithClient(options, random.Fork("client"));
    }

    /// <summary>
    /// One sync seed in <see cref="OfficialClientShare"/> runs the official client, when its bundle is
    /// there. The draw comes from its own stream, so the other knobs of every seed stay as they were.
    /// </summary>
    private static SyncOptions WithClient(SyncOptions options, IRandom random)
    {
        if (!random.Chance(1, OfficialClientShare))
        {
            return options;
        }

        return Official.OfficialClientBundle.IsAvailable
            ? options with { Client = SyncClientKind.Official }
            : options with { OfficialClientUnavailable = true };
    }

    /// <summary>One sync seed in this many runs the official client (it costs a Jint engine per client).</summary>
    public const int OfficialClientShare = 6;

    /// <summary>Chunked transitions in a third of the seeds; authentication changes in half, with wrong keys in some.</summary>
    private static SyncOptions WithProtocolKnobs(SyncOptions options, IRandom random) => options with
    {
        ChunkBytesMax = random.Chance(1, 3) ? random.NextInt(32, 600) : options.ChunkBytesMax,
        AuthPercent = random.Chance(1, 2) ? random.NextInt(1, 15) : 0,
        WrongKeyPercent = random.Chance(1, 3) ? random.NextInt(5, 40) : 0,
    };

    public override string ToString() =>
        $"clients={Clients} keys={KeyCount} queries/client<={QueriesPerClientMax} ops/client={OpsPerClient} " +
        $"think<={ThinkTimeMax.TotalMilliseconds}ms in-flight<={RequestsInFlightMax} actions={ActionPercent}%" +
        (ChunkBytesMax < Convex.Sim.Sync.Protocol.TransitionChunker.ChunkBytesMax ? $" chunks<={ChunkBytesMax}B" : "") +
        (AuthPercent > 0 ? $" auth={AuthPercent}% wrong-key={WrongKeyPercent}%" : "") +
        (Client == SyncClientKind.Official ? " client=official" : "") +
        (OfficialClientUnavailable && Client != SyncClientKind.Official
            ? " client=simulated (official client picked, but tests/functions/node_modules/convex is missing)"
            : "") +
        (Bug == PlantedClientBug.None ? "" : $" planted-bug={Bug}");
}
