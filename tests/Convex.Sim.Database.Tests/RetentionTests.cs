using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Convex.Sim.Database.Errors;
using Convex.Sim.Database.Indexing;
using Convex.Sim.Storage;
using Convex.Sim.Storage.Memory;
using static Convex.Sim.Database.Tests.DatabaseFixture;

namespace Convex.Sim.Database.Tests;

/// <summary>Version retention: history behind the bound is deleted; reads there fail with a typed error, never wrong data.</summary>
public sealed class RetentionTests
{
    /// <summary>Window zero (the bound is the latest commit), and no background step during the test.</summary>
    private static readonly DatabaseOptions Immediate = DatabaseOptions.Default with
    {
        RetentionWindow = TimeSpan.Zero,
        RetentionInterval = TimeSpan.FromHours(1),
    };

    [Fact]
    public async Task Old_versions_are_deleted_and_reads_behind_the_bound_get_a_typed_error()
    {
        var persistence = new MemoryPersistence();
        var db = await OpenAsync(persistence, Immediate);
        await db.CreateIndexAsync("t", "by_k", [FieldPath.Parse("k")], Ct);
        var id = await TransactionTests.InsertAsync(db, "t", Doc(("k", S("a")), ("v", I(1))));
        var old = db.LatestTs;
        var update = db.BeginTransaction();
        await update.PatchAsync(id, [new("v", I(2))], Ct);
        await db.CommitAsync(update, Ct);
        var oldReader = db.BeginReadOnly(old);

        Assert.True(await db.Retention.RunOnceAsync(Ct));

        Assert.Equal(db.LatestTs, db.RetentionBound);
        Assert.True(db.PrunedVersions > 0);
        Assert.Null(await persistence.GetAsync(id, old, Ct)); // the version at `old` is gone from storage
        Assert.Throws<OutOfRetentionException>(() => db.BeginReadOnly(old));
        await Assert.ThrowsAsync<OutOfRetentionException>(async () => await oldReader.GetAsync(id, Ct)); // opened before
        await Assert.ThrowsAsync<OutOfRetentionException>(async () =>
            await oldReader.QueryAsync("t", "by_k", IndexRange.Eq(S("a")), ScanOrder.Ascending, 10, Ct));
        var now = await db.BeginReadOnly().GetAsync(id, Ct);
        Assert.Equal(2, Int(now!, "v"));
    }

    [Fact]
    public async Task The_bound_trails_the_latest_commit_by_the_window_and_survives_a_restart()
    {
        var persistence = new MemoryPersistence();
        var options = DatabaseOptions.Default with { RetentionWindow = TimeSpan.FromHours(1), RetentionInterval = TimeSpan.FromHours(1) };
        var db = await OpenAsync(persistence, options);
        var id = await TransactionTests.InsertAsync(db, "t", Doc(("k", S("a"))));
        var first = db.LatestTs;

        Assert.True(await db.Retention.RunOnceAsync(Ct));
        Assert.True(db.RetentionBound < first); // an hour behind: everything recent stays readable
        Assert.NotNull(await db.BeginReadOnly(first).GetAsync(id, Ct));

        var reopened = await OpenAsync(persistence, Immediate);
        Assert.Equal(reopened.LatestTs, reopened.RetentionBound); // recomputed from the latest commit: never lower
        Assert.Throws<OutOfRetentionException>(() => reopened.BeginReadOnly(new Timestamp(first.Value - 1)));
    }

    [Fact]
    public async Task Without_a_window_nothing_is_deleted()
    {
        var db = await OpenAsync(DatabaseOptions.Default with { RetentionWindow = null });
        await TransactionTests.InsertAsync(db, "t", Doc(("k", S("a"))));
        Assert.Equal(Timestamp.Zero, db.RetentionBound);
        Assert.NotNull(db.BeginReadOnly(new Timestamp(1)));
        Assert.Equal(0, db.PrunedVersions);
    }
}
