using Convex.Sim.Storage;
using Convex.Sim.Storage.Memory;

namespace Convex.Sim.Simulator.Workloads;

/// <summary>
/// A fault-free device: one in-memory persistence that survives crashes whole (every write is
/// durable the moment it returns), with random latency. The baseline next to the faulty disk.
/// </summary>
internal sealed class MemoryDevice(TimeSpan latencyMax) : IStorageDevice
{
    private readonly MemoryPersistence _persistence = new();

    public IPersistence Open(Runtime.IRuntime runtime) =>
        new DelayedPersistence(_persistence, runtime.Time, runtime.Random.Fork("disk-latency"), latencyMax);

    public void Crash()
    {
    }

    public void Heal()
    {
    }

    public string Describe() => $"memory (latency<={latencyMax.TotalMilliseconds}ms, no faults)";
}
