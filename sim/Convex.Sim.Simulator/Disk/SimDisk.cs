using Convex.Sim.Core;
using Convex.Sim.Runtime.Disk;

namespace Convex.Sim.Simulator.Disk;

/// <summary>
/// The simulated physical disk; it outlives crashes of the node that uses it.
///
/// Fault model (rates in <see cref="SimDiskOptions"/>, all drawn from the seeded PRNG):
/// <list type="bullet">
/// <item>IO errors on write, sync and read. A transient error fails one operation; with some chance
///   the error is persistent and every operation fails until the disk is repaired after
///   <see cref="SimDiskOptions.RepairAfter"/>. A failed write may or may not have reached the platter;
///   a failed sync leaves the unsynced writes unsynced.</item>
/// <item>Latency: every operation waits a random time on the simulated clock.</item>
/// <item>Crash (<see cref="Crash"/>): every write after a file's last successful sync is lost, except
///   that the first lost write may survive torn: a random prefix of it, with its last bytes possibly
///   garbage.</item>
/// </list>
/// Reads see the node's own unsynced writes (the page cache), as on a real disk.
/// </summary>
internal sealed class SimDisk(TimeProvider time, IRandom random, SimDiskOptions options) : IDisk
{
    private readonly SortedDictionary<string, SimFile> _files = new(StringComparer.Ordinal);
    private SimDiskOptions _options = options;
    private DateTimeOffset? _brokenUntil;

    public int InjectedErrors { get; private set; }

    public int TornWrites { get; private set; }

    public int LostWrites { get; private set; }

    public SimDiskOptions Options => _options;

    public ValueTask<IDiskFile> OpenAsync(string name, CancellationToken cancellationToken)
    {
        if (!_files.TryGetValue(name, out var file))
        {
            _files[name] = file = new SimFile();
        }

        return ValueTask.FromResult<IDiskFile>(new Handle(this, file));
    }

    public ValueTask<bool> ExistsAsync(string name, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_files.ContainsKey(name));

    public ValueTask DeleteAsync(string name, CancellationToken cancellationToken)
    {
        _files.Remove(name);
        return ValueTask.CompletedTask;
    }

    /// <summary>Power loss: drop unsynced writes (tearing the first one, sometimes).</summary>
    public void Crash()
    {
        foreach (var file in _files.Values)
        {
            var torn = random.Chance(_options.TornWritePerMille, 1000);
            var (lost, tornBytes) = file.Crash(torn, random);
            LostWrites += lost;
            TornWrites += tornBytes > 0 ? 1 : 0;
        }
    }

    /// <summary>Stops injecting faults (the liveness phase); latency stays.</summary>
    public void Heal()
    {
        _options = SimDiskOptions.None with { LatencyMax = _options.LatencyMax };
        _brokenUntil = null;
    }

    private async ValueTask OperateAsync(int errorPerMille, string what, CancellationToken cancellationToken)
    {
        var latency = (long)random.NextBelow((ulong)_options.LatencyMax.Ticks + 1);
        if (latency > 0)
        {
            await Task.Delay(TimeSpan.FromTicks(latency), time, cancellationToken);
        }

        if (_brokenUntil is { } until && time.GetUtcNow() < until)
        {
            InjectedErrors++;
            throw new DiskIOException($"simulated disk: {what} failed (disk failing until repaired)");
        }

        if (random.Chance(errorPerMille, 1000))
        {
            InjectedErrors++;
            if (random.Chance(_options.PersistentErrorPerMille, 1000))
            {
                _brokenUntil = time.GetUtcNow() + _options.RepairAfter;
            }

            throw new DiskIOException($"simulated disk: {what} failed (injected IO error)");
        }
    }

    /// <summary>A handle on one file; all handles of a file share its contents.</summary>
    private sealed class Handle(SimDisk disk, SimFile file) : IDiskFile
    {
        public long Length => file.Length;

        public async ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            await disk.OperateAsync(disk._options.WriteErrorPerMille, "write", cancellationToken);
            file.Write(offset, data.Span);
        }

        public async ValueTask<int> ReadAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken)
        {
            await disk.OperateAsync(disk._options.ReadErrorPerMille, "read", cancellationToken);
            return file.Read(offset, destination.Span);
        }

        public async ValueTask TruncateAsync(long length, CancellationToken cancellationToken)
        {
            await disk.OperateAsync(disk._options.WriteErrorPerMille, "truncate", cancellationToken);
            file.Truncate(length);
        }

        public async ValueTask SyncAsync(CancellationToken cancellationToken)
        {
            await disk.OperateAsync(disk._options.SyncErrorPerMille, "sync", cancellationToken);
            file.Sync();
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
