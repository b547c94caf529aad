using System.Diagnostics;
using Convex.Sim.Core;
using Convex.Sim.Core.Ids;
using Convex.Sim.Storage;

namespace Convex.Sim.Benchmarks;

/// <summary>
/// Wraps a persistence and counts the calls and the wall time spent in them, so that the profile of
/// a function call can separate storage time from the runner's own time. Benchmark-only: it reads
/// the wall clock.
/// </summary>
internal sealed class TimingPersistence(IPersistence inner) : IPersistence
{
    private long _ticks;
    private long _syncTicks;
    private long _syncs;
    private long _maintainTicks;
    private long _maintains;

    public long Calls { get; private set; }

    public long Reads { get; private set; }

    /// <summary>Calls of <see cref="WriteAsync"/> (groups) and the commits they carried.</summary>
    public long Groups { get; private set; }

    public long Commits { get; private set; }

    /// <summary>Wall time in every call but syncs.</summary>
    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(0, _ticks);

    /// <summary>Wall time in syncs (which overlap the other calls).</summary>
    public TimeSpan SyncElapsed => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _syncTicks));

    public void Reset()
    {
        _ticks = 0;
        _syncTicks = 0;
        _syncs = 0;
        _maintainTicks = 0;
        _maintains = 0;
        Calls = 0;
        Reads = 0;
        Groups = 0;
        Commits = 0;
    }

    public ValueTask<Timestamp> RecoverAsync(CancellationToken cancellationToken) =>
        inner.RecoverAsync(cancellationToken);

    public async ValueTask WriteAsync(IReadOnlyList<CommitRecord> commits, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        await inner.WriteAsync(commits, cancellationToken);
        Count(start);
        Groups++;
        Commits += commits.Count;
    }

    /// <summary>Forwarded, so the wrapped persistence keeps its pipelining; counts groups like <see cref="WriteAsync"/>.</summary>
    public async ValueTask StageAsync(IReadOnlyList<CommitRecord> commits, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        await inner.StageAsync(commits, cancellationToken);
        Count(start);
        Groups++;
        Commits += commits.Count;
    }

    /// <summary>Runs concurrently with the other calls (the pipeline), hence the interlocked count.</summary>
    public async ValueTask SyncAsync(Timestamp upTo, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        await inner.SyncAsync(upTo, cancellationToken);
        Interlocked.Add(ref _syncTicks, Stopwatch.GetTimestamp() - start);
        Interlocked.Increment(ref _syncs);
    }

    /// <summary>Calls of <see cref="SyncAsync"/>: durability barriers (each covers every group staged before it).</summary>
    public long Syncs => Interlocked.Read(ref _syncs);

    public bool MaintenanceDue => inner.MaintenanceDue;

    /// <summary>Runs concurrently with the other calls, off the commit path.</summary>
    public async ValueTask MaintainAsync(CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        await inner.MaintainAsync(cancellationToken);
        Interlocked.Add(ref _maintainTicks, Stopwatch.GetTimestamp() - start);
        Interlocked.Increment(ref _maintains);
    }

    /// <summary>Calls of <see cref="MaintainAsync"/> and the wall time in them.</summary>
    public long Maintains => Interlocked.Read(ref _maintains);

    public TimeSpan MaintainElapsed => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _maintainTicks));

    public async ValueTask<StoredDocument?> GetAsync(DocumentId id, Timestamp at, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var document = await inner.GetAsync(id, at, cancellationToken);
        Count(start);
        Reads++;
        return document;
    }

    public async ValueTask<IReadOnlyList<IndexRow>> ScanAsync(
        IndexId index, KeyRange range, Timestamp at, ScanOrder order, int limit, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var rows = await inner.ScanAsync(index, range, at, order, limit, cancellationToken);
        Count(start);
        Reads++;
        return rows;
    }

    public IAsyncEnumerable<CommitRecord> LoadCommitsAsync(
        Timestamp after, Timestamp upTo, CancellationToken cancellationToken) =>
        inner.LoadCommitsAsync(after, upTo, cancellationToken);

    public ValueTask<int> PruneAsync(Timestamp bound, int limit, CancellationToken cancellationToken) =>
        inner.PruneAsync(bound, limit, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private void Count(long start)
    {
        _ticks += Stopwatch.GetTimestamp() - start;
        Calls++;
    }
}
