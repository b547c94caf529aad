using Convex.Sim.Core;
using Convex.Sim.Core.Ids;
using Convex.Sim.Storage;

namespace Convex.Sim.Simulator.Workloads;

/// <summary>
/// Gives every persistence call a seeded random latency on the simulated clock, so concurrent
/// transactions really overlap (without it an in-memory store completes every call synchronously
/// and the scheduler would rarely interleave two transactions). Fault model: latency only.
/// </summary>
internal sealed class DelayedPersistence(IPersistence inner, TimeProvider time, IRandom random, TimeSpan latencyMax)
    : IPersistence
{
    public async ValueTask<Timestamp> RecoverAsync(CancellationToken cancellationToken)
    {
        await DelayAsync(cancellationToken);
        return await inner.RecoverAsync(cancellationToken);
    }

    public async ValueTask WriteAsync(IReadOnlyList<CommitRecord> commits, CancellationToken cancellationToken)
    {
        await DelayAsync(cancellationToken);
        await inner.WriteAsync(commits, cancellationToken);
    }

    public async ValueTask<StoredDocument?> GetAsync(DocumentId id, Timestamp at, CancellationToken cancellationToken)
    {
        await DelayAsync(cancellationToken);
        return await inner.GetAsync(id, at, cancellationToken);
    }

    public async ValueTask<IReadOnlyList<IndexRow>> ScanAsync(
        IndexId index, KeyRange range, Timestamp at, ScanOrder order, int limit, CancellationToken cancellationToken)
    {
        await DelayAsync(cancellationToken);
        return await inner.ScanAsync(index, range, at, order, limit, cancellationToken);
    }

    public IAsyncEnumerable<CommitRecord> LoadCommitsAsync(Timestamp after, Timestamp upTo, CancellationToken cancellationToken) =>
        inner.LoadCommitsAsync(after, upTo, cancellationToken);

    public async ValueTask<int> PruneAsync(Timestamp bound, int limit, CancellationToken cancellationToken)
    {
        await DelayAsync(cancellationToken);
        return await inner.PruneAsync(bound, limit, cancellationToken);
    }

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private Task DelayAsync(CancellationToken cancellationToken)
    {
        var ticks = (long)random.NextBelow((ulong)latencyMax.Ticks + 1);
        return ticks == 0 ? Task.CompletedTask : Task.Delay(TimeSpan.FromTicks(ticks), time, cancellationToken);
    }
}
