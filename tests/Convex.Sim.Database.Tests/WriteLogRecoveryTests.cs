using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Convex.Sim.Database.Errors;
using Convex.Sim.Database.Indexing;
using Convex.Sim.Database.Log;
using Convex.Sim.Storage;
using Convex.Sim.Storage.Memory;
using static Convex.Sim.Database.Tests.DatabaseFixture;

namespace Convex.Sim.Database.Tests;

/// <summary>The write log after a restart: rebuilt from persistence for its window, "unknown" (an error) before it.</summary>
public sealed class WriteLogRecoveryTests
{
    [Fact]
    public async Task Changes_in_a_range_that_spans_a_restart_are_reported_exactly()
    {
        var persistence = new MemoryPersistence();
        var db = await OpenAsync(persistence);
        await db.CreateIndexAsync("t", "by_k", [FieldPath.Parse("k")], Ct);
        var watchedId = await TransactionTests.InsertAsync(db, "t", Doc(("k", S("watched")), ("v", I(1))));
        var query = db.BeginReadOnly();
        await query.QueryAsync("t", "by_k", IndexRange.Eq(S("watched")), ScanOrder.Ascending, 10, Ct);
        var start = query.SnapshotTs;
        await TransactionTests.InsertAsync(db, "t", Doc(("k", S("other"))));
        var afterOther = db.LatestTs;
        var update = db.BeginTransaction();
        await update.PatchAsync(watchedId, [new("v", I(2))], Ct); // the key stays: written nowhere in the index
        await db.CommitAsync(update, Ct);
        var liveEntries = db.CommitsBetween(start, db.LatestTs);

        var reopened = await OpenAsync(persistence);
        Assert.False(reopened.ChangedBetween(query.ReadSet, start, afterOther));
        Assert.True(reopened.ChangedBetween(query.ReadSet, start, reopened.LatestTs));
        Assert.True(reopened.ChangedBetween(query.ReadSet, afterOther, reopened.LatestTs));
        Assert.Equal(Describe(liveEntries), Describe(reopened.CommitsBetween(start, reopened.LatestTs)));

        var beforeDelete = reopened.LatestTs;
        var delete = reopened.BeginTransaction();
        await delete.DeleteAsync(watchedId, Ct);
        await reopened.CommitAsync(delete, Ct);
        Assert.True(reopened.ChangedBetween(query.ReadSet, beforeDelete, reopened.LatestTs));
        Assert.True(reopened.ChangedBetween(query.ReadSet, start, reopened.LatestTs));
    }

    [Fact]
    public async Task A_range_older_than_the_rebuilt_window_is_unknown_never_unchanged()
    {
        var persistence = new MemoryPersistence();
        var db = await OpenAsync(persistence);
        await db.CreateIndexAsync("t", "by_k", [FieldPath.Parse("k")], Ct);
        var query = db.BeginReadOnly();
        await query.QueryAsync("t", "by_k", IndexRange.Eq(S("watched")), ScanOrder.Ascending, 10, Ct);
        await TransactionTests.InsertAsync(db, "t", Doc(("k", S("watched"))));

        var reopened = await OpenAsync(persistence, DatabaseOptions.Default with { WriteLogRecoveryWindow = TimeSpan.Zero });
        Assert.Throws<OutOfRetentionException>(() => reopened.ChangedBetween(query.ReadSet, query.SnapshotTs, reopened.LatestTs));
        Assert.Throws<OutOfRetentionException>(() => reopened.CommitsBetween(query.SnapshotTs, reopened.LatestTs));
        Assert.Empty(reopened.CommitsBetween(reopened.LatestTs, reopened.LatestTs));
    }

    private static List<string> Describe(IReadOnlyList<WriteLogEntry> entries) =>
        [.. entries.SelectMany(e => e.Keys.Select(k => $"{e.Ts}/{k.Index.Value}/{Convert.ToHexString(k.Key)}")).Distinct().Order(StringComparer.Ordinal)];
}
