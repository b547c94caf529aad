using Convex.Sim.Core;

namespace Convex.Sim.Simulator.Network;

/// <summary>The fault rates of the simulated network, derived from the seed (see <see cref="SimNetwork"/>).</summary>
internal sealed record NetworkOptions
{
    public TimeSpan LatencyMin { get; init; } = TimeSpan.FromMilliseconds(1);

    public TimeSpan LatencyMax { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Mean time between breaks of one client's connection in the safety phase (zero: never).</summary>
    public TimeSpan DisconnectIntervalMean { get; init; }

    /// <summary>Percent of breaks the client does not notice (only its inactivity timeout finds them).</summary>
    public int SilentPercent { get; init; }

    /// <summary>Mean time between partitions of one client from the server (zero: never).</summary>
    public TimeSpan PartitionIntervalMean { get; init; }

    public TimeSpan PartitionDurationMax { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// When a connection breaks, the client's messages the server still receives arrive up to this
    /// much later (retransmissions): the server's old session may process them after the client has
    /// reconnected and re-sent them on its new connection.
    /// </summary>
    public TimeSpan StaleDeliveryMax { get; init; }

    public static NetworkOptions Randomize(IRandom random) => new()
    {
        LatencyMin = TimeSpan.FromMicroseconds(random.NextInt(0, 5000)),
        LatencyMax = TimeSpan.FromMicroseconds(random.NextInt(5000, 60_000)),
        DisconnectIntervalMean = random.Chance(3, 4) ? TimeSpan.FromMilliseconds(random.NextInt(300, 8000)) : TimeSpan.Zero,
        SilentPercent = random.Chance(1, 2) ? random.NextInt(0, 40) : 0,
        PartitionIntervalMean = random.Chance(1, 2) ? TimeSpan.FromMilliseconds(random.NextInt(1000, 15_000)) : TimeSpan.Zero,
        PartitionDurationMax = TimeSpan.FromMilliseconds(random.NextInt(100, 6000)),
        StaleDeliveryMax = random.Chance(2, 3) ? TimeSpan.FromMilliseconds(random.NextInt(0, 4000)) : TimeSpan.Zero,
    };

    public override string ToString() =>
        $"latency={LatencyMin.TotalMilliseconds}..{LatencyMax.TotalMilliseconds}ms " +
        $"disconnect-every~{Every(DisconnectIntervalMean)} silent={SilentPercent}% " +
        $"partition-every~{Every(PartitionIntervalMean)} partition<={PartitionDurationMax.TotalMilliseconds}ms " +
        $"stale<={StaleDeliveryMax.TotalMilliseconds}ms";

    private static string Every(TimeSpan mean) => mean == TimeSpan.Zero ? "never" : $"{mean.TotalMilliseconds}ms";
}
