using Convex.Sim.Core;
using Convex.Sim.Simulator.Disk;
using Convex.Sim.Storage;
using Convex.Sim.Storage.Log;

namespace Convex.Sim.Simulator.Workloads;

/// <summary>
/// The log-structured persistence on the faulty simulated disk: each node incarnation opens a new
/// <see cref="LogPersistence"/> that recovers from whatever the disk kept through the crash.
/// </summary>
internal sealed class SimDiskDevice(TimeProvider time, IRandom random, SimDiskOptions options) : IStorageDevice
{
    private readonly SimDisk _disk = new(time, random, options);

    /// <summary>Outlives the incarnations, like the disk: recovery decodes each record's bytes once per seed.</summary>
    private readonly LogRecordMemo _memo = new();

    public SimDisk Disk => _disk;

    public IPersistence Open(Runtime.IRuntime runtime) => new LogPersistence(_disk, _memo);

    public void Crash() => _disk.Crash();

    public void Heal() => _disk.Heal();

    public string Describe() => $"simdisk ({options})";
}
