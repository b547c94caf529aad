using Convex.Sim.Core;
using Convex.Sim.Core.Ids;
using Convex.Sim.Storage;

namespace Convex.Sim.Database;

/// <summary>Persistence access: every call but a sync holds the async lock <c>_io</c> (implementations are
/// single-threaded, except that a pending sync may overlap the rest; see <see cref="IPersistence.SyncAsync"/>).</summary>
public sealed partial class Database
{
    internal async ValueTask<StoredDocument?> GetAsync(DocumentId id, Timestamp at, CancellationToken cancellationToken)
    {
        ThrowIfUnavailable();
        await _io.WaitAsync(cancellationToken);
        try
        {
            var document = await _persistence.GetAsync(id, at, cancellationToken);
            ThrowIfBelowRetention(at);
            return document;
        }
        finally
        {
            _io.Release();
        }
    }

    internal async ValueTask<IReadOnlyList<IndexRow>> ScanAsync(
        IndexId index, KeyRange range, Timestamp at, ScanOrder order, int limit, CancellationToken cancellationToken)
    {
        ThrowIfUnavailable();
        await _io.WaitAsync(cancellationToken);
        try
        {
            var rows = await _persistence.ScanAsync(index, range, at, order, limit, cancellationToken);
            ThrowIfBelowRetention(at);
            return rows;
        }
        finally
        {
            _io.Release();
        }
    }

    /// <summary>Step 1 of a group's write (<see cref="IPersistence.StageAsync"/>), under the lock like every call
    /// that changes what persistence holds.</summary>
    internal async ValueTask StageAsync(IReadOnlyList<CommitRecord> commits, CancellationToken cancellationToken)
    {
        await _io.WaitAsync(cancellationToken);
        try
        {
            await _persistence.StageAsync(commits, cancellationToken);
        }
        finally
        {
            _io.Release();
        }
    }

    /// <summary>Step 2 (<see cref="IPersistence.SyncAsync"/>): outside the lock, so that reads and the next group's
    /// staging do not wait for the durability barrier (the contract allows them to overlap it).</summary>
    internal ValueTask SyncAsync(Timestamp upTo, CancellationToken cancellationToken) =>
        _persistence.SyncAsync(upTo, cancellationToken);

    /// <summary>Starts persistence upkeep (<see cref="IPersistence.MaintainAsync"/>) in a work item of its own when it is
    /// due and none is running; called after each published group. Outside the lock <c>_io</c>: the contract lets it
    /// overlap every other call, and commits must not wait for it.</summary>
    internal void MaintainIfDue()
    {
        if (!_persistence.MaintenanceDue || Interlocked.CompareExchange(ref _maintaining, 1, 0) != 0)
        {
            return;
        }

        _ = Runtime.SpawnBlocking("maintain", async cancellationToken =>
        {
            try
            {
                await _persistence.MaintainAsync(cancellationToken);
            }
            catch (Exception e) when (e is ConvexException or IOException)
            {
                // Upkeep changes no content; the next group that finds it due tries again.
            }
            finally
            {
                Volatile.Write(ref _maintaining, 0);
            }
        }, CancellationToken.None);
    }
}
