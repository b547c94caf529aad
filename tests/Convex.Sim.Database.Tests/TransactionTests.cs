using Convex.Sim.Core;
using Convex.Sim.Core.Ids;
using Convex.Sim.Core.Values;
using Convex.Sim.Database.Errors;
using Convex.Sim.Database.Indexing;
using Convex.Sim.Storage;
using static Convex.Sim.Database.Tests.DatabaseFixture;

namespace Convex.Sim.Database.Tests;

/// <summary>Transaction semantics, run over every persistence implementation (one subclass each).</summary>
public abstract class TransactionTests
{
    protected abstract IPersistence CreatePersistence();

    private Task<Database> OpenDatabaseAsync(DatabaseOptions? options = null) => OpenAsync(CreatePersistence(), options);

    [Fact]
    public async Task Insert_assigns_system_fields_and_is_visible_after_commit()
    {
        var db = await OpenDatabaseAsync();
        var tx = db.BeginTransaction();
        var id = await tx.InsertAsync("messages", Doc(("body", S("hi"))), Ct);
        var ts = await db.CommitAsync(tx, Ct);

        Assert.Equal(TableNumber.FirstUser, id.Table);
        var doc = await db.BeginReadOnly().GetAsync(id, Ct);
        Assert.NotNull(doc);
        Assert.Equal("hi", Str(doc, "body"));
        Assert.Equal(DocumentIdCodec.Encode(id), Str(doc, "_id"));
        Assert.IsType<ConvexFloat64>(doc["_creationTime"]);
        Assert.Equal(ts, db.LatestTs);
        Assert.Null(await db.BeginReadOnly(ts with { Value = ts.Value - 1 }).GetAsync(id, Ct));
    }

    [Fact]
    public async Task A_snapshot_does_not_see_later_commits()
    {
        var db = await OpenDatabaseAsync();
        var id = await InsertAsync(db, "t", Doc(("n", I(1))));
        var reader = db.BeginTransaction();

        var writer = db.BeginTransaction();
        await writer.PatchAsync(id, [new("n", I(2))], Ct);
        await db.CommitAsync(writer, Ct);

        Assert.Equal(1, Int((await reader.GetAsync(id, Ct))!, "n"));
        Assert.Equal(2, Int((await db.BeginReadOnly().GetAsync(id, Ct))!, "n"));
    }

    [Fact]
    public async Task A_write_after_a_stale_read_conflicts()
    {
        var db = await OpenDatabaseAsync();
        var id = await InsertAsync(db, "t", Doc(("n", I(1))));
        var first = db.BeginTransaction();
        var second = db.BeginTransaction();
        var n1 = Int((await first.GetAsync(id, Ct))!, "n");
        var n2 = Int((await second.GetAsync(id, Ct))!, "n");
        await first.PatchAsync(id, [new("n", I(n1 + 1))], Ct);
        await second.PatchAsync(id, [new("n", I(n2 + 1))], Ct);

        await db.CommitAsync(first, Ct);
        await Assert.ThrowsAsync<OccConflictException>(() => db.CommitAsync(second, Ct));
        Assert.Equal(2, Int((await db.BeginReadOnly().GetAsync(id, Ct))!, "n"));
    }

    [Fact]
    public async Task Disjoint_transactions_both_commit_with_increasing_timestamps()
    {
        var db = await OpenDatabaseAsync();
        var a = await InsertAsync(db, "t", Doc(("n", I(1))));
        var b = await InsertAsync(db, "t", Doc(("n", I(1))));
        var first = db.BeginTransaction();
        var second = db.BeginTransaction();
        await first.PatchAsync(a, [new("n", I(5))], Ct);
        await second.PatchAsync(b, [new("n", I(6))], Ct);

        var ts1 = await db.CommitAsync(first, Ct);
        var ts2 = await db.CommitAsync(second, Ct);
        Assert.True(ts2 > ts1);
    }

    [Fact]
    public async Task An_insert_into_a_scanned_range_is_a_phantom_conflict()
    {
        var db = await OpenDatabaseAsync();
        await db.CreateIndexAsync("users", "by_age", [FieldPath.Parse("age")], Ct);
        var reader = db.BeginTransaction();
        var adults = await reader.QueryAsync("users", "by_age",
            new IndexRange([], new RangeBound(I(18), true), null), ScanOrder.Ascending, 100, Ct);
        Assert.Empty(adults);
        await reader.InsertAsync("audit", Doc(("adults", I(adults.Count))), Ct);

        await InsertAsync(db, "users", Doc(("age", I(30))));
        await Assert.ThrowsAsync<OccConflictException>(() => db.CommitAsync(reader, Ct));
    }

    [Fact]
    public async Task An_insert_outside_a_scanned_range_does_not_conflict()
    {
        var db = await OpenDatabaseAsync();
        await db.CreateIndexAsync("users", "by_age", [FieldPath.Parse("age")], Ct);
        var reader = db.BeginTransaction();
        await reader.QueryAsync("users", "by_age",
            new IndexRange([], new RangeBound(I(18), true), null), ScanOrder.Ascending, 100, Ct);
        await reader.InsertAsync("audit", Doc(("x", I(1))), Ct);

        await InsertAsync(db, "users", Doc(("age", I(10))));
        await db.CommitAsync(reader, Ct);
    }

    [Fact]
    public async Task A_transaction_reads_its_own_writes_in_index_order()
    {
        var db = await OpenDatabaseAsync();
        await db.CreateIndexAsync("users", "by_age", [FieldPath.Parse("age")], Ct);
        var bob = await InsertAsync(db, "users", Doc(("name", S("bob")), ("age", I(40))));
        await InsertAsync(db, "users", Doc(("name", S("ann")), ("age", I(20))));

        var tx = db.BeginTransaction();
        await tx.InsertAsync("users", Doc(("name", S("cat")), ("age", I(30))), Ct);
        await tx.PatchAsync(bob, [new("age", I(10))], Ct);
        var names = (await tx.QueryAsync("users", "by_age", IndexRange.All, ScanOrder.Ascending, 10, Ct))
            .Select(d => Str(d, "name")).ToList();
        var descending = (await tx.QueryAsync("users", "by_age", IndexRange.All, ScanOrder.Descending, 2, Ct))
            .Select(d => Str(d, "name")).ToList();

        Assert.Equal(["bob", "ann", "cat"], names);
        Assert.Equal(["cat", "ann"], descending);
    }

    [Fact]
    public async Task Index_ranges_follow_the_convex_value_order()
    {
        var db = await OpenDatabaseAsync();
        await db.CreateIndexAsync("t", "by_v", [FieldPath.Parse("v")], Ct);
        await InsertAsync(db, "t", Doc(("name", S("float")), ("v", new ConvexFloat64(0.5))));
        await InsertAsync(db, "t", Doc(("name", S("int")), ("v", I(7))));
        await InsertAsync(db, "t", Doc(("name", S("missing"))));
        await InsertAsync(db, "t", Doc(("name", S("null")), ("v", ConvexNull.Instance)));
        await InsertAsync(db, "t", Doc(("name", S("string")), ("v", S("a"))));

        var tx = db.BeginReadOnly();
        var all = await tx.QueryAsync("t", "by_v", IndexRange.All, ScanOrder.Ascending, 10, Ct);
        var ints = await tx.QueryAsync("t", "by_v",
            new IndexRange([], new RangeBound(I(0), true), new RangeBound(I(100), false)), ScanOrder.Ascending, 10, Ct);
        var missing = await tx.QueryAsync("t", "by_v", IndexRange.Eq([null]), ScanOrder.Ascending, 10, Ct);

        Assert.Equal(["missing", "null", "int", "float", "string"], all.Select(d => Str(d, "name")));
        Assert.Equal(["int"], ints.Select(d => Str(d, "name")));
        Assert.Equal(["missing"], missing.Select(d => Str(d, "name")));
    }

    [Fact]
    public async Task Creating_an_index_backfills_existing_documents()
    {
        var db = await OpenDatabaseAsync();
        await InsertAsync(db, "t", Doc(("k", S("b"))));
        await InsertAsync(db, "t", Doc(("k", S("a"))));
        await db.CreateIndexAsync("t", "by_k", [FieldPath.Parse("k")], Ct);

        var rows = await db.BeginReadOnly().QueryAsync("t", "by_k", IndexRange.All, ScanOrder.Ascending, 10, Ct);
        Assert.Equal(["a", "b"], rows.Select(d => Str(d, "k")));
    }

    [Fact]
    public async Task Deleted_documents_disappear_from_gets_and_indexes()
    {
        var db = await OpenDatabaseAsync();
        var id = await InsertAsync(db, "t", Doc(("k", S("a"))));
        var tx = db.BeginTransaction();
        await tx.DeleteAsync(id, Ct);
        await db.CommitAsync(tx, Ct);

        var reader = db.BeginReadOnly();
        Assert.Null(await reader.GetAsync(id, Ct));
        Assert.Empty(await reader.QueryAsync("t", "by_creation_time", IndexRange.All, ScanOrder.Ascending, 10, Ct));
    }

    [Fact]
    public async Task Reading_a_missing_table_yields_nothing_and_its_creation_conflicts()
    {
        var db = await OpenDatabaseAsync();
        var reader = db.BeginTransaction();
        Assert.Empty(await reader.QueryAsync("later", "by_creation_time", IndexRange.All, ScanOrder.Ascending, 10, Ct));
        await reader.InsertAsync("other", Doc(("x", I(1))), Ct);

        await InsertAsync(db, "later", Doc(("x", I(1))));
        await Assert.ThrowsAsync<OccConflictException>(() => db.CommitAsync(reader, Ct));
    }

    [Fact]
    public async Task Concurrent_increments_lose_no_update()
    {
        var db = await OpenDatabaseAsync(DatabaseOptions.Default with { MutationAttemptsMax = 100, RetryBackoffInitial = TimeSpan.Zero });
        var id = await InsertAsync(db, "counter", Doc(("n", I(0))));
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => db.RunMutationAsync(async (tx, ct) =>
        {
            var n = Int((await tx.GetAsync(id, ct))!, "n");
            await Task.Yield();
            await tx.PatchAsync(id, [new("n", I(n + 1))], ct);
            return n;
        }, Ct)));

        Assert.Equal(16, Int((await db.BeginReadOnly().GetAsync(id, Ct))!, "n"));
        Assert.Equal(Enumerable.Range(0, 16).Select(i => (long)i), results.Select(r => r.Value).Order());
        Assert.Equal(16, results.Select(r => r.CommitTs).Distinct().Count());
    }

    internal static async Task<DocumentId> InsertAsync(Database db, string table, ConvexObject value)
    {
        var tx = db.BeginTransaction();
        var id = await tx.InsertAsync(table, value, Ct);
        await db.CommitAsync(tx, Ct);
        return id;
    }
}

public sealed class MemoryTransactionTests : TransactionTests
{
    protected override IPersistence CreatePersistence() => new Storage.Memory.MemoryPersistence();
}

public sealed class SqliteTransactionTests : TransactionTests, IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("convex-sim-db-");
    private int _files;

    protected override IPersistence CreatePersistence() =>
        new Storage.Sqlite.SqlitePersistence(Path.Combine(_dir.FullName, $"db{++_files}.sqlite"));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Delete(recursive: true);
    }
}

public sealed class LogTransactionTests : TransactionTests
{
    protected override IPersistence CreatePersistence()
    {
        var disk = new Simulator.Disk.SimDisk(TimeProvider.System, new Prng(3), Simulator.Disk.SimDiskOptions.None);
        return new Storage.Log.LogPersistence(disk);
    }
}
