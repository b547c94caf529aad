using Convex.Sim.Core;

namespace Convex.Sim.Simulator.Workloads;

/// <summary>Process-level faults of a run, derived from the seed (disk faults live in the disk's options).</summary>
internal sealed record FaultOptions
{
    /// <summary>Mean time between crashes of the database node in the safety phase (zero: never).</summary>
    public TimeSpan CrashIntervalMean { get; init; }

    public TimeSpan DowntimeMax { get; init; } = TimeSpan.FromSeconds(2);

    public bool Buggify { get; init; }

    public static FaultOptions Randomize(IRandom random) => new()
    {
        CrashIntervalMean = random.Chance(3, 4) ? TimeSpan.FromMilliseconds(random.NextInt(200, 5000)) : TimeSpan.Zero,
        DowntimeMax = TimeSpan.FromMilliseconds(random.NextInt(1, 3000)),
        Buggify = random.Chance(1, 2),
    };

    public override string ToString() =>
        $"crash-every~{(CrashIntervalMean == TimeSpan.Zero ? "never" : $"{CrashIntervalMean.TotalMilliseconds}ms")} " +
        $"downtime<={DowntimeMax.TotalMilliseconds}ms buggify={(Buggify ? "on" : "off")}";
}
