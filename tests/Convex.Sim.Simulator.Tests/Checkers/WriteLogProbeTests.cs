using Convex.Sim.Core.Values;
using Convex.Sim.Database;
using Convex.Sim.Database.Indexing;
using Convex.Sim.Simulator.Workloads;
using Convex.Sim.Storage.Memory;

namespace Convex.Sim.Simulator.Tests.Checkers;

/// <summary>The write-log probe agrees with a correct write log and catches a lying one.</summary>
public sealed class WriteLogProbeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(Database.Database Db, MemoryPersistence Persistence)> OpenAsync()
    {
        var persistence = new MemoryPersistence();
        var db = await Database.Database.OpenAsync(new Runtime.Production.ProductionRuntime(1), persistence,
            DatabaseOptions.Default, Ct);
        await db.CreateIndexAsync(ListAppendClient.Table, ListAppendClient.Index, [FieldPath.Parse("key")], Ct);
        return (db, persistence);
    }

    private static async Task InsertKeyAsync(Database.Database db, string key)
    {
        var tx = db.BeginTransaction();
        await tx.InsertAsync(ListAppendClient.Table, ConvexObject.Empty.With("key", new ConvexString(key))
            .With("items", ConvexArray.Empty), Ct);
        await db.CommitAsync(tx, Ct);
    }

    [Theory]
    [InlineData("k001", true)]
    [InlineData("k009", false)]
    public async Task A_truthful_write_log_passes_and_a_lying_one_is_caught(string insertedKey, bool insideRange)
    {
        var (db, persistence) = await OpenAsync();
        var range = new IndexRange([], new RangeBound(new ConvexString("k000"), true), new RangeBound(new ConvexString("k002"), true));
        var before = db.BeginReadOnly();
        var rows = await WriteLogProbe.Query(before, range, Ct);
        await InsertKeyAsync(db, insertedKey);

        Assert.Null(await WriteLogProbe.CompareAsync(db, persistence, before, range, rows, db.ChangedBetween, Ct));
        var lying = await WriteLogProbe.CompareAsync(db, persistence, before, range, rows, (_, _, _) => !insideRange, Ct);
        Assert.NotNull(lying);
        Assert.StartsWith("WriteLogAgreesWithHistory", lying, StringComparison.Ordinal);
        Assert.Equal(insideRange, db.ChangedBetween(before.ReadSet, before.SnapshotTs, db.LatestTs));
    }

    [Fact]
    public async Task After_a_restart_the_rebuilt_write_log_passes_and_a_forgetful_one_is_caught()
    {
        var (db, persistence) = await OpenAsync();
        var range = new IndexRange([], new RangeBound(new ConvexString("k000"), true), new RangeBound(new ConvexString("k002"), true));
        var before = db.BeginReadOnly();
        var rows = await WriteLogProbe.Query(before, range, Ct);
        await InsertKeyAsync(db, "k001");
        var reopened = await Database.Database.OpenAsync(new Runtime.Production.ProductionRuntime(2), persistence,
            DatabaseOptions.Default, Ct);
        await InsertKeyAsync(reopened, "k009");

        Assert.Null(await WriteLogProbe.CompareAsync(reopened, persistence, before, range, rows, reopened.ChangedBetween, Ct));
        Assert.True(reopened.ChangedBetween(before.ReadSet, before.SnapshotTs, reopened.LatestTs));
        var forgetful = await WriteLogProbe.CompareAsync(reopened, persistence, before, range, rows, (_, _, _) => false, Ct);
        Assert.NotNull(forgetful);
        Assert.StartsWith("WriteLogAgreesWithHistory", forgetful, StringComparison.Ordinal);
    }

    [Fact]
    public void Over_a_seed_sweep_probes_span_restarts_retention_prunes_and_the_checkers_pass()
    {
        var results = Enumerable.Range(1, 40).Select(s => SeedRun.Run((ulong)s, keepTrace: false)).ToList();
        Assert.Empty(results.SelectMany(r => r.Violations));
        Assert.True(results.Sum(r => r.ProbesAcrossRestart) > 0);
        Assert.True(results.Count(r => r.PrunedVersions > 0) >= 5); // the durability and serializability checkers ran with GC on
    }
}
