using Convex.Sim.Core;
using Convex.Sim.Core.Ids;
using Convex.Sim.Core.Values;
using Convex.Sim.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Convex.Sim.Storage.Tests;

/// <summary>
/// The SQLite persistence's pipelined writes (<see cref="IPersistence.StageAsync"/>, <see cref="IPersistence.SyncAsync"/>):
/// a sync makes every group staged before it durable, in stage order; a crash keeps the synced groups and drops the
/// unsynced ones whole; a failed sync fails every later sync and stage until a new instance recovers.
/// </summary>
public sealed class SqlitePipelineTests : IDisposable
{
    private static readonly TableNumber Table = TableNumber.FirstUser;
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("convex-sim-sqlite-pipeline-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task One_sync_makes_every_earlier_staged_group_durable_and_a_crash_drops_the_unsynced_one_whole()
    {
        var path = Path.Combine(_dir.FullName, "crash.sqlite");
        var store = new SqlitePersistence(path);
        await store.RecoverAsync(Ct);
        await store.StageAsync([Commit(10, 1)], Ct);
        await store.StageAsync([Commit(20, 2), Commit(30, 3)], Ct);
        await store.SyncAsync(Ts(30), Ct);
        await store.SyncAsync(Ts(10), Ct); // already covered: returns without appending anything
        await store.StageAsync([Commit(40, 4), Commit(50, 5)], Ct); // staged, never synced
        Assert.Equal(Doc(5), (await store.GetAsync(Id(5), Ts(50), Ct))!.Value); // staged rows are readable
        store.CloseAbruptly();

        Assert.Equal(2L, SqliteFiles.Scalar(path + SqliteSchema.JournalSuffix, "SELECT COUNT(*) FROM groups"));
        await using var reopened = new SqlitePersistence(path);
        Assert.Equal(Ts(30), await reopened.RecoverAsync(Ct));
        foreach (var n in new[] { 1, 2, 3 })
        {
            Assert.Equal(Doc(n), (await reopened.GetAsync(Id(n), Ts(30), Ct))!.Value);
        }

        Assert.Null(await reopened.GetAsync(Id(4), Ts(100), Ct));
        Assert.Null(await reopened.GetAsync(Id(5), Ts(100), Ct));
    }

    [Fact]
    public async Task A_failed_sync_fails_every_later_sync_and_stage_and_recovery_keeps_what_was_synced()
    {
        var path = Path.Combine(_dir.FullName, "failed.sqlite");
        var store = new SqlitePersistence(path);
        await store.RecoverAsync(Ct);
        await store.WriteAsync([Commit(10, 1)], Ct);
        await store.StageAsync([Commit(20, 2)], Ct);
        await store.StageAsync([Commit(30, 3)], Ct);
        using (var blocker = new SqliteConnection($"Data Source={path + SqliteSchema.JournalSuffix};Pooling=False"))
        {
            blocker.Open();
            using var exclusive = blocker.CreateCommand();
            exclusive.CommandText = "BEGIN EXCLUSIVE";
            exclusive.ExecuteNonQuery(); // the journal's append now fails (busy)

            await Assert.ThrowsAsync<IOException>(() => store.SyncAsync(Ts(20), Ct).AsTask());
        }

        await Assert.ThrowsAsync<StorageFormatException>(() => store.SyncAsync(Ts(30), Ct).AsTask());
        await Assert.ThrowsAsync<StorageFormatException>(() => store.StageAsync([Commit(40, 4)], Ct).AsTask());
        store.CloseAbruptly();

        await using var reopened = new SqlitePersistence(path);
        Assert.Equal(Ts(10), await reopened.RecoverAsync(Ct));
        Assert.Null(await reopened.GetAsync(Id(2), Ts(100), Ct));
        Assert.Null(await reopened.GetAsync(Id(3), Ts(100), Ct));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Delete(recursive: true);
    }

    private static Timestamp Ts(ulong t) => new(t);

    private static DocumentId Id(int n) => new(Table, (UInt128)n);

    private static ConvexObject Doc(int n) => ConvexObject.Empty.With("n", new ConvexInt64(n));

    private static CommitRecord Commit(ulong ts, int n) => new(Ts(ts), [new DocumentWrite(Id(n), Doc(n))], []);
}
