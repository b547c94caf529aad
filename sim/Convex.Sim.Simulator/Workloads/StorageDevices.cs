using Convex.Sim.Core;
using Convex.Sim.Simulator.Disk;
using Convex.Sim.Simulator.Scheduling;

namespace Convex.Sim.Simulator.Workloads;

/// <summary>Chooses the storage device of a run from the seed: mostly the faulty simulated disk.</summary>
internal static class StorageDevices
{
    public static IStorageDevice Create(SimLoop loop, IRandom random) => random.Chance(3, 4)
        ? new SimDiskDevice(loop.Time, random.Fork("simdisk"), SimDiskOptions.Randomize(random))
        : new MemoryDevice(TimeSpan.FromMicroseconds(random.NextInt(0, 3000)));
}
