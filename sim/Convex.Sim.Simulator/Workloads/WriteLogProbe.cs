using Convex.Sim.Core;
using Convex.Sim.Core.Ids;
using Convex.Sim.Core.Values;
using Convex.Sim.Database.Catalog;
using Convex.Sim.Database.Errors;
using Convex.Sim.Database.Indexing;
using Convex.Sim.Database.Reads;
using Convex.Sim.Storage;

namespace Convex.Sim.Simulator.Workloads;

/// <summary>
/// Checks the write log's "did anything in these ranges change in (t1, t2]?" answers (the basis of
/// subscriptions) against a brute-force recomputation.
///
/// Method: run a read-only range query at t1 and keep its read set; later, at t2, ask the database,
/// then recompute the answer independently from persistence: load every commit in (t1, t2], derive
/// the old and new index keys of every written document (old value read from persistence just before
/// the commit), and test them against the read set. The two answers must agree exactly
/// (<c>WriteLogAgreesWithHistory</c>), and when the write log says "unchanged" the query's result
/// at t2 must equal its result at t1 (<c>NoMissedInvalidation</c>).
/// </summary>
internal sealed class WriteLogProbe(IRandom random, ListAppendOptions options)
{
    public int Checked { get; private set; }

    public int Skipped { get; private set; }

    /// <summary>Probes whose (t1, t2] spans a restart of the node.</summary>
    public int AcrossRestart { get; private set; }

    public async Task<string?> ProbeAsync(DatabaseNode node, TimeSpan wait, CancellationToken ct)
    {
        if (node.Current is not { } database || node.Persistence is not { } persistence)
        {
            Skipped++;
            return null;
        }

        var first = random.NextInt(0, options.KeyCount);
        var range = new IndexRange([], new RangeBound(new ConvexString(ListAppendClient.KeyName(first)), true),
            new RangeBound(new ConvexString(ListAppendClient.KeyName(first + random.NextInt(0, 3))), true));
        try
        {
            var before = database.BeginReadOnly();
            var rowsBefore = await Query(before, range, ct);
            if (random.Chance(1, 4))
            {
                wait = TimeSpan.FromMilliseconds(random.NextInt(200, 3000)); // long enough to span a restart
            }

            await Task.Delay(wait, node.Time, ct);
            if (node.Current is not { } now || node.Persistence is not { } nowPersistence)
            {
                Skipped++;
                return null; // down right now
            }

            if (before.SnapshotTs < now.RetentionBound)
            {
                Skipped++;
                return null; // persistence's commit log behind the retention bound is incomplete: no recomputation
            }

            Checked++;
            if (!ReferenceEquals(now, database))
            {
                AcrossRestart++; // the write log was rebuilt at recovery
            }

            return await CompareAsync(now, nowPersistence, before, range, rowsBefore, now.ChangedBetween, ct);
        }
        catch (Exception e) when (e is ConvexException or TimeoutException)
        {
            Skipped++;
            return null;
        }
    }

    /// <summary>
    /// Compares the write log's answer for (snapshot of <paramref name="before"/>, latest] with the
    /// recomputation from persistence and with the query's results; returns the violation, if any.
    /// <paramref name="changedBetween"/> is the database's answer (tests pass a wrong one to prove the
    /// comparison catches it).
    /// </summary>
    internal static async Task<string?> CompareAsync(
        Database.Database database, IPersistence persistence, Database.Transactions.Transaction before, IndexRange range,
        List<string> rowsBefore, Func<ReadSet, Timestamp, Timestamp, bool> changedBetween, CancellationToken ct)
    {
        var upTo = database.LatestTs;
        bool changed;
        try
        {
            changed = changedBetween(before.ReadSet, before.SnapshotTs, upTo);
        }
        catch (OutOfRetentionException)
        {
            return null; // "unknown": callers re-run, which is always safe
        }

        var expected = await RecomputeAsync(database.Catalog, persistence, before.ReadSet, before.SnapshotTs, upTo, ct);
        var rowsAfter = await Query(database.BeginReadOnly(upTo), range, ct);
        if (changed != expected)
        {
            return $"WriteLogAgreesWithHistory: write log says changed={changed} in ({before.SnapshotTs}, {upTo}], " +
                $"recomputation from persistence says {expected}";
        }

        return !changed && !rowsBefore.SequenceEqual(rowsAfter)
            ? $"NoMissedInvalidation: result changed in ({before.SnapshotTs}, {upTo}] but the write log saw nothing"
            : null;
    }

    internal static async Task<List<string>> Query(Database.Transactions.Transaction tx, IndexRange range, CancellationToken ct)
    {
        var docs = await tx.QueryAsync(ListAppendClient.Table, ListAppendClient.Index, range, ScanOrder.Ascending, 100, ct);
        return [.. docs.Select(d => ConvexJson.Encode(d))];
    }

    private static async Task<bool> RecomputeAsync(
        TableCatalog catalog, IPersistence persistence, ReadSet readSet, Timestamp after, Timestamp upTo, CancellationToken ct)
    {
        var changed = false;
        await foreach (var commit in persistence.LoadCommitsAsync(after, upTo, ct))
        {
            foreach (var write in commit.Documents)
            {
                var old = await persistence.GetAsync(write.Id, new Timestamp(commit.Ts.Value - 1), ct);
                changed |= Touches(catalog, readSet, write.Id, old?.Value) || Touches(catalog, readSet, write.Id, write.Value);
            }
        }

        return changed;
    }

    private static bool Touches(TableCatalog catalog, ReadSet readSet, DocumentId id, ConvexObject? value)
    {
        if (value is null)
        {
            return false;
        }

        foreach (var index in catalog.IndexesOf(id.Table))
        {
            if (readSet.Contains(index.Id, IndexKeys.KeyOf(index, id, value)))
            {
                return true;
            }
        }

        return false;
    }
}
