using Convex.Sim.Core.Values;
using Convex.Sim.Database.Errors;
using Convex.Sim.Database.Indexing;
using Convex.Sim.Storage;
using static Convex.Sim.Database.Tests.DatabaseFixture;

namespace Convex.Sim.Database.Tests;

/// <summary>Dropping and re-creating declared indexes, and what survives a restart.</summary>
public sealed class IndexDropTests
{
    [Fact]
    public async Task A_dropped_index_is_gone_its_id_is_never_reused_and_a_restart_keeps_it_dropped()
    {
        var persistence = new Convex.Sim.Storage.Memory.MemoryPersistence();
        var db = await OpenAsync(persistence);
        var original = await db.CreateIndexAsync("t", "by_k", [FieldPath.Parse("k")], Ct);
        await TransactionTests.InsertAsync(db, "t", Doc(("k", S("a")), ("j", S("x"))));

        await db.DropIndexAsync("t", "by_k", Ct);
        var table = db.Catalog.FindTable("t")!;
        Assert.Null(db.Catalog.FindIndex(table.Number, "by_k"));
        var error = await Assert.ThrowsAsync<DatabaseUsageException>(async () =>
            await db.BeginReadOnly().QueryAsync("t", "by_k", IndexRange.All, ScanOrder.Ascending, 5, Ct));
        Assert.Equal("IndexNotFound", error.Code);

        // Re-created under the same name on another field: a fresh id, backfilled from the documents.
        var changed = await db.CreateIndexAsync("t", "by_k", [FieldPath.Parse("j")], Ct);
        Assert.True(changed.Id.Value > original.Id.Value);
        var rows = await db.BeginReadOnly().QueryAsync("t", "by_k", IndexRange.Eq(S("x")), ScanOrder.Ascending, 5, Ct);
        Assert.Single(rows);

        await db.DropIndexAsync("t", "by_k", Ct);
        var reopened = await OpenAsync(persistence);
        Assert.Null(reopened.Catalog.FindIndex(table.Number, "by_k"));
        var third = await reopened.CreateIndexAsync("t", "by_other", [FieldPath.Parse("k")], Ct);
        Assert.True(third.Id.Value > changed.Id.Value);
        Assert.Single(await reopened.BeginReadOnly().QueryAsync("t", "by_other", IndexRange.Eq(S("a")), ScanOrder.Ascending, 5, Ct));
    }

    [Fact]
    public async Task Dropping_an_index_that_does_not_exist_is_an_error()
    {
        var db = await OpenAsync();
        await TransactionTests.InsertAsync(db, "t", Doc(("k", S("a"))));
        var error = await Assert.ThrowsAsync<DatabaseUsageException>(() => db.DropIndexAsync("t", "by_nothing", Ct));
        Assert.Equal("IndexNotFound", error.Code);
        var builtIn = await Assert.ThrowsAsync<DatabaseUsageException>(() => db.DropIndexAsync("t", "by_creation_time", Ct));
        Assert.Equal("IndexNotFound", builtIn.Code);
    }
}
