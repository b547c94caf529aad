using Convex.Sim.Core;
using Convex.Sim.Database.Catalog;
using Convex.Sim.Database.Indexing;
using Convex.Sim.Storage;

namespace Convex.Sim.Database.Log;

/// <summary>
/// Rebuilds the write log at recovery from persistence's commit log, so that "did anything in these
/// ranges change in (t1, t2]?" keeps an exact answer for ranges that span a restart (a subscriber or
/// an OCC snapshot from before the restart). The window is bounded: commits in
/// (recovered − <see cref="DatabaseOptions.WriteLogRecoveryWindow"/>, recovered], at most
/// <see cref="DatabaseOptions.WriteLogCommitsMax"/>, and not behind the retention bound; questions about older timestamps raise
/// <see cref="Errors.OutOfRetentionException"/>, which callers treat as "changed" (never "unchanged").
///
/// A commit record holds the document writes and the index entries that changed; the keys the live
/// committer recorded are recovered from it: every index entry written (old keys as tombstones, new
/// keys as entries, backfills), the by_id key of every written document, and the key of the new
/// version in each of the table's indexes (an unchanged key is written nowhere, and equals it).
/// With the catalog at recovery the result equals the committer's set, except that an index created
/// after the commit adds keys (a conservative "changed" that no reader of that index at the time
/// can be affected by).
/// </summary>
internal static class WriteLogRecovery
{
    public static async Task<WriteLog> RebuildAsync(
        IPersistence persistence, TableCatalog catalog, Timestamp recovered, DatabaseOptions options,
        CancellationToken cancellationToken)
    {
        // Not behind the retention bound: commits there may have lost versions to retention.
        var start = Retention.VersionRetention.BoundFor(recovered, options.WriteLogRecoveryWindow);
        if (options.RetentionWindow is { } retention)
        {
            start = Timestamp.Max2(start, Retention.VersionRetention.BoundFor(recovered, retention));
        }

        var log = new WriteLog(start, options.WriteLogCommitsMax);
        await foreach (var commit in persistence.LoadCommitsAsync(start, recovered, cancellationToken))
        {
            Invariant.Assert(commit.Ts > start && commit.Ts <= recovered);
            log.Append(new WriteLogEntry(commit.Ts, TouchedKeys(commit, catalog)));
        }

        Invariant.Assert(log.Latest <= recovered);
        return log;
    }

    /// <summary>The index keys a commit touched, as the committer recorded them (see the type's remarks).</summary>
    public static IReadOnlyList<TouchedKey> TouchedKeys(CommitRecord commit, TableCatalog catalog)
    {
        var keys = new List<TouchedKey>();
        foreach (var write in commit.Documents)
        {
            foreach (var index in catalog.IndexesOf(write.Id.Table))
            {
                if (index.Kind == IndexKind.ById)
                {
                    keys.Add(new TouchedKey(index.Id, write.Id.InternalIdBytes()));
                }
                else if (write.Value is not null)
                {
                    keys.Add(new TouchedKey(index.Id, IndexKeys.KeyOf(index, write.Id, write.Value)));
                }
            }
        }

        foreach (var entry in commit.Indexes)
        {
            keys.Add(new TouchedKey(entry.Index, entry.Key));
        }

        Invariant.Assert(keys.Count >= commit.Indexes.Count);
        return keys;
    }
}
