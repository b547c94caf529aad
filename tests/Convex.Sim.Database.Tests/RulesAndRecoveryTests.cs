using Convex.Sim.Core;
using Convex.Sim.Core.Ids;
using Convex.Sim.Core.Values;
using Convex.Sim.Database.Errors;
using Convex.Sim.Database.Indexing;
using Convex.Sim.Runtime.Disk;
using Convex.Sim.Storage;
using static Convex.Sim.Database.Tests.DatabaseFixture;

namespace Convex.Sim.Database.Tests;

public sealed class RulesAndRecoveryTests
{
    [Fact]
    public async Task System_fields_and_system_tables_cannot_be_written()
    {
        var db = await OpenAsync();
        var id = await TransactionTests.InsertAsync(db, "t", Doc(("k", S("a"))));
        var tx = db.BeginTransaction();

        var patch = await Assert.ThrowsAsync<DatabaseUsageException>(
            async () => await tx.PatchAsync(id, [new("_creationTime", new ConvexFloat64(1))], Ct));
        var insert = await Assert.ThrowsAsync<DatabaseUsageException>(
            async () => await tx.InsertAsync("t", Doc(("_id", S("x"))), Ct));
        var system = await Assert.ThrowsAsync<DatabaseUsageException>(
            async () => await tx.InsertAsync("_tables", Doc(("k", S("a"))), Ct));

        Assert.Contains("_creationTime", patch.Message);
        Assert.Contains("_id", insert.Message);
        Assert.Contains("read-only", system.Message);
    }

    [Fact]
    public async Task Updating_a_nonexistent_document_names_the_id()
    {
        var db = await OpenAsync();
        var id = await TransactionTests.InsertAsync(db, "t", Doc(("k", S("a"))));
        var tx = db.BeginTransaction();
        await tx.DeleteAsync(id, Ct);

        var e = await Assert.ThrowsAsync<DatabaseUsageException>(
            async () => await tx.ReplaceAsync(id, Doc(("k", S("b"))), Ct));
        Assert.Equal($"Replace on nonexistent document ID {DocumentIdCodec.Encode(id)}", e.Message);
    }

    [Fact]
    public async Task Queries_cannot_write()
    {
        var db = await OpenAsync();
        var e = await Assert.ThrowsAsync<DatabaseUsageException>(
            async () => await db.BeginReadOnly().InsertAsync("t", Doc(("k", S("a"))), Ct));
        Assert.Equal("ReadOnlyTransaction", e.Code);
    }

    [Fact]
    public async Task The_write_limit_is_enforced_with_a_clear_error()
    {
        var db = await OpenAsync(DatabaseOptions.Default with { WritesPerTransactionMax = 20 });
        var tx = db.BeginTransaction();
        await tx.InsertAsync("t", Doc(("i", I(0))), Ct); // also writes the _tables record
        for (var i = 1; i < 19; i++)
        {
            await tx.InsertAsync("t", Doc(("i", I(i))), Ct);
        }

        var e = await Assert.ThrowsAsync<TransactionLimitException>(
            async () => await tx.InsertAsync("t", Doc(("i", I(99))), Ct));
        Assert.Contains("Too many writes", e.Message);
        Assert.Contains("20", e.Message);
    }

    [Fact]
    public async Task The_read_set_range_limit_is_enforced()
    {
        var db = await OpenAsync(DatabaseOptions.Default with { ReadSetRangesMax = 5 });
        var id = await TransactionTests.InsertAsync(db, "t", Doc(("k", S("a"))));
        var tx = db.BeginReadOnly();
        for (var i = 0; i < 5; i++)
        {
            await tx.GetAsync(id, Ct);
        }

        await Assert.ThrowsAsync<TransactionLimitException>(async () => await tx.GetAsync(id, Ct));
    }

    [Fact]
    public async Task Reopening_recovers_documents_indexes_and_the_latest_timestamp()
    {
        var persistence = new Convex.Sim.Storage.Memory.MemoryPersistence();
        var db = await OpenAsync(persistence);
        await db.CreateIndexAsync("t", "by_k", [FieldPath.Parse("k")], Ct);
        var id = await TransactionTests.InsertAsync(db, "t", Doc(("k", S("a"))));
        var latest = db.LatestTs;

        var reopened = await OpenAsync(persistence);
        Assert.Equal(latest, reopened.LatestTs);
        Assert.NotNull(await reopened.BeginReadOnly().GetAsync(id, Ct));
        var rows = await reopened.BeginReadOnly().QueryAsync("t", "by_k", IndexRange.Eq(S("a")), ScanOrder.Ascending, 5, Ct);
        Assert.Single(rows);
        var next = await TransactionTests.InsertAsync(reopened, "u", Doc(("k", S("b"))));
        Assert.Equal(new TableNumber(TableNumber.FirstUser.Value + 1), next.Table);
        Assert.True(reopened.LatestTs > latest);
    }

    [Fact]
    public async Task The_write_log_reports_changes_inside_a_read_set_only()
    {
        var db = await OpenAsync();
        await db.CreateIndexAsync("t", "by_k", [FieldPath.Parse("k")], Ct);
        var query = db.BeginReadOnly();
        await query.QueryAsync("t", "by_k", IndexRange.Eq(S("watched")), ScanOrder.Ascending, 10, Ct);
        var start = query.SnapshotTs;

        await TransactionTests.InsertAsync(db, "t", Doc(("k", S("other"))));
        var afterOther = db.LatestTs;
        await TransactionTests.InsertAsync(db, "t", Doc(("k", S("watched"))));

        Assert.False(db.ChangedBetween(query.ReadSet, start, afterOther));
        Assert.True(db.ChangedBetween(query.ReadSet, start, db.LatestTs));
        Assert.False(db.ChangedBetween(query.ReadSet, db.LatestTs, db.LatestTs));
    }

    [Fact]
    public async Task A_persistence_failure_makes_the_outcome_unknown_and_stops_the_database()
    {
        var persistence = new FailingPersistence(new Convex.Sim.Storage.Memory.MemoryPersistence());
        var db = await OpenAsync(persistence);
        await TransactionTests.InsertAsync(db, "t", Doc(("k", S("a"))));
        persistence.FailWrites = true;

        var tx = db.BeginTransaction();
        await tx.InsertAsync("t", Doc(("k", S("b"))), Ct);
        await Assert.ThrowsAsync<CommitOutcomeUnknownException>(() => db.CommitAsync(tx, Ct));
        Assert.False(db.IsAvailable);
        Assert.Throws<DatabaseUnavailableException>(() => db.BeginTransaction());

        persistence.FailWrites = false;
        var reopened = await OpenAsync(persistence);
        Assert.True(reopened.IsAvailable);
        await TransactionTests.InsertAsync(reopened, "t", Doc(("k", S("c"))));
    }

    /// <summary>Wraps a persistence and throws disk errors on writes while told to.</summary>
    private sealed class FailingPersistence(IPersistence inner) : ForwardingPersistence(inner)
    {
        public bool FailWrites { get; set; }

        public override ValueTask WriteAsync(IReadOnlyList<CommitRecord> commits, CancellationToken cancellationToken) =>
            FailWrites ? throw new DiskIOException("injected write failure") : base.WriteAsync(commits, cancellationToken);
    }
}
