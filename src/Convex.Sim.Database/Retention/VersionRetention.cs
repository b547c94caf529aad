using Convex.Sim.Core;
using Convex.Sim.Database.Errors;
using Convex.Sim.Storage;

namespace Convex.Sim.Database.Retention;

/// <summary>
/// Version retention (garbage collection of MVCC history). The retention bound trails the latest commit
/// by <see cref="DatabaseOptions.RetentionWindow"/> and only moves forward; it is not persisted, because
/// "latest − window" is already monotonic across restarts. The background task, spawned through the
/// runtime seam, advances the bound every <see cref="DatabaseOptions.RetentionInterval"/> and then asks
/// persistence to delete, in batches, every version that no read at or after the bound can see.
///
/// Safety: the bound is published before anything behind it is deleted, and every read checks the bound
/// after it returns (<see cref="Database.ThrowIfBelowRetention"/>), so a read that might have missed a
/// deleted version fails with <see cref="OutOfRetentionException"/> instead of returning wrong data
/// (Convex's retention validator does the same). A transaction therefore has to finish within the window.
/// </summary>
internal sealed class VersionRetention(Database database, IPersistence persistence, SemaphoreSlim io)
{
    public long Pruned { get; private set; }

    /// <summary>The bound for a database whose latest commit is <paramref name="latest"/>.</summary>
    public static Timestamp BoundFor(Timestamp latest, TimeSpan window)
    {
        var windowNanos = (ulong)window.Ticks * 100;
        return new Timestamp(latest.Value > windowNanos ? latest.Value - windowNanos : 0);
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (database.IsAvailable)
        {
            await Task.Delay(database.Options.RetentionInterval, database.Runtime.Time, cancellationToken);
            if (database.IsAvailable && !await RunOnceAsync(cancellationToken))
            {
                return;
            }
        }
    }

    /// <summary>One step: advance the bound to latest − window and delete what fell behind it; false if
    /// persistence failed.</summary>
    internal async Task<bool> RunOnceAsync(CancellationToken cancellationToken)
    {
        var window = database.Options.RetentionWindow;
        Invariant.Assert(window is not null);
        var bound = BoundFor(database.LatestTs, window!.Value);
        return !database.AdvanceRetentionBound(bound) || await PruneAsync(bound, cancellationToken);
    }

    /// <summary>Deletes everything invisible at and after <paramref name="bound"/>; false if persistence failed.</summary>
    private async Task<bool> PruneAsync(Timestamp bound, CancellationToken cancellationToken)
    {
        var batch = database.Options.RetentionBatch;
        while (database.IsAvailable)
        {
            int removed;
            await io.WaitAsync(cancellationToken);
            try
            {
                removed = await persistence.PruneAsync(bound, batch, cancellationToken);
            }
            catch (Exception e) when (e is ConvexException or IOException)
            {
                return false; // not a commit: nothing is lost; the next incarnation retries
            }
            finally
            {
                io.Release();
            }

            Invariant.Assert(removed >= 0 && removed <= batch);
            Pruned += removed;
            if (removed < batch)
            {
                return true;
            }
        }

        return true;
    }
}
