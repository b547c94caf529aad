using Convex.Sim.Core;
using Convex.Sim.Core.Ids;
using Convex.Sim.Storage;

namespace Convex.Sim.Database.Tests;

/// <summary>
/// Forwards the core calls to another persistence; a test's wrapper overrides what it changes. The pipelined and upkeep
/// members are not forwarded: a wrapper gets the contract's defaults unless it implements them (re-listing
/// <see cref="IPersistence"/>).
/// </summary>
internal abstract class ForwardingPersistence(IPersistence inner) : IPersistence
{
    protected IPersistence Inner => inner;

    public virtual ValueTask<Timestamp> RecoverAsync(CancellationToken cancellationToken) => inner.RecoverAsync(cancellationToken);

    public virtual ValueTask WriteAsync(IReadOnlyList<CommitRecord> commits, CancellationToken cancellationToken) =>
        inner.WriteAsync(commits, cancellationToken);

    public ValueTask<StoredDocument?> GetAsync(DocumentId id, Timestamp at, CancellationToken cancellationToken) =>
        inner.GetAsync(id, at, cancellationToken);

    public ValueTask<IReadOnlyList<IndexRow>> ScanAsync(IndexId index, KeyRange range, Timestamp at, ScanOrder order,
        int limit, CancellationToken cancellationToken) => inner.ScanAsync(index, range, at, order, limit, cancellationToken);

    public IAsyncEnumerable<CommitRecord> LoadCommitsAsync(Timestamp after, Timestamp upTo, CancellationToken cancellationToken) =>
        inner.LoadCommitsAsync(after, upTo, cancellationToken);

    public ValueTask<int> PruneAsync(Timestamp bound, int limit, CancellationToken cancellationToken) =>
        inner.PruneAsync(bound, limit, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
