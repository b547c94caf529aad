using Convex.Sim.Core;

namespace Convex.Sim.Simulator.Disk;

/// <summary>Fault rates of the simulated disk, in parts per thousand of operations.</summary>
internal sealed record SimDiskOptions
{
    public int WriteErrorPerMille { get; init; }
    public int SyncErrorPerMille { get; init; }
    public int ReadErrorPerMille { get; init; }

    /// <summary>Chance that an IO error leaves the disk failing every operation until repaired.</summary>
    public int PersistentErrorPerMille { get; init; }

    /// <summary>Chance, at a crash, that the first unsynced write survives partly (torn).</summary>
    public int TornWritePerMille { get; init; }

    public TimeSpan LatencyMax { get; init; }

    /// <summary>How long a persistent failure lasts before the disk is repaired.</summary>
    public TimeSpan RepairAfter { get; init; } = TimeSpan.FromSeconds(1);

    public static SimDiskOptions None { get; } = new();

    public bool InjectsFaults => WriteErrorPerMille + SyncErrorPerMille + ReadErrorPerMille + TornWritePerMille > 0;

    public static SimDiskOptions Randomize(IRandom random) => new()
    {
        WriteErrorPerMille = random.Chance(1, 2) ? random.NextInt(0, 30) : 0,
        SyncErrorPerMille = random.Chance(1, 2) ? random.NextInt(0, 30) : 0,
        ReadErrorPerMille = random.Chance(1, 3) ? random.NextInt(0, 20) : 0,
        PersistentErrorPerMille = random.NextInt(0, 200),
        TornWritePerMille = random.NextInt(0, 1001),
        LatencyMax = TimeSpan.FromMicroseconds(random.NextInt(0, 5000)),
        RepairAfter = TimeSpan.FromMilliseconds(random.NextInt(10, 3000)),
    };

    public override string ToString() =>
        $"write-err={WriteErrorPerMille}‰ sync-err={SyncErrorPerMille}‰ read-err={ReadErrorPerMille}‰ " +
        $"persistent={PersistentErrorPerMille}‰ torn={TornWritePerMille}‰ latency<={LatencyMax.TotalMilliseconds}ms";
}
