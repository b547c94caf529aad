using Convex.Sim.Core;
using Convex.Sim.Simulator.Scheduling;

namespace Convex.Sim.Simulator.Workloads;

/// <summary>Chooses the storage device of a run from the seed.</summary>
internal static class StorageDevices
{
    public static IStorageDevice Create(SimLoop loop, IRandom random) =>
        new MemoryDevice(TimeSpan.FromMicroseconds(random.NextInt(0, 3000)));
}
