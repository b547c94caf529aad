using Convex.Sim.Core;
using Convex.Sim.Core.Ids;
using Convex.Sim.Core.Values;
using Convex.Sim.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Convex.Sim.Storage.Tests;

/// <summary>
/// The SQLite persistence's upkeep off the commit path (<see cref="IPersistence.MaintainAsync"/>): it commits the main
/// file's batch and checkpoints it when due, after which the next sync trims the journal; without it the store does the
/// same inline once far overdue; staging while upkeep holds the main file queues the group, and reads still see it; a
/// failed write into the main file stops reads and writes until a new instance recovers what was synced. Small
/// thresholds (4 commits per batch, 8 per checkpoint) so each test crosses them.
/// </summary>
public sealed class SqliteMaintenanceTests : IDisposable
{
    private const int Batch = 4;
    private const int CheckpointEvery = 8;
    private static readonly TableNumber Table = TableNumber.FirstUser;
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("convex-sim-sqlite-maintenance-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Upkeep_commits_the_batch_when_due_and_after_a_checkpoint_the_next_sync_trims_the_journal()
    {
        var path = PathOf("due.sqlite");
        var store = new SqlitePersistence(path, Batch, CheckpointEvery);
        await store.RecoverAsync(Ct);
        await WriteAsync(store, 1, Batch - 1);
        Assert.False(store.MaintenanceDue);
        await WriteAsync(store, Batch, Batch);
        Assert.True(store.MaintenanceDue);
        Assert.Equal(-1L, SqliteFiles.Scalar(path, "SELECT MAX(ts) FROM commits")); // all in the open transaction

        await store.MaintainAsync(Ct);
        Assert.False(store.MaintenanceDue);
        Assert.Equal(Batch * 10L, SqliteFiles.Scalar(path, "SELECT MAX(ts) FROM commits")); // committed, seen by another connection
        Assert.Equal((long)Batch, JournalRows(path)); // not checkpointed yet: the journal keeps every group

        await WriteAsync(store, Batch + 1, CheckpointEvery);
        Assert.True(store.MaintenanceDue);
        await store.MaintainAsync(Ct);
        Assert.Equal((long)CheckpointEvery, JournalRows(path)); // trimmed by the next append, not by the checkpoint
        await WriteAsync(store, CheckpointEvery + 1, CheckpointEvery + 1);
        Assert.Equal(1L, JournalRows(path));
        store.CloseAbruptly();

        await AssertRecoveredAsync(path, CheckpointEvery + 1);
    }

    [Fact]
    public async Task Without_upkeep_the_store_commits_and_checkpoints_inline_once_far_overdue()
    {
        var path = PathOf("inline.sqlite");
        var store = new SqlitePersistence(path, Batch, CheckpointEvery);
        await store.RecoverAsync(Ct);
        var inlineCommit = Batch * SqlitePersistence.InlineMaintenanceAfter;
        await WriteAsync(store, 1, inlineCommit - 1);
        Assert.Equal(-1L, SqliteFiles.Scalar(path, "SELECT MAX(ts) FROM commits"));
        await WriteAsync(store, inlineCommit, inlineCommit);
        Assert.Equal(inlineCommit * 10L, SqliteFiles.Scalar(path, "SELECT MAX(ts) FROM commits"));

        var inlineCheckpoint = CheckpointEvery * SqlitePersistence.InlineMaintenanceAfter;
        await WriteAsync(store, inlineCommit + 1, inlineCheckpoint - 1);
        Assert.Equal(inlineCheckpoint - 1L, JournalRows(path)); // a batch commit alone makes nothing durable there
        await WriteAsync(store, inlineCheckpoint, inlineCheckpoint + 1);
        Assert.Equal(1L, JournalRows(path)); // the checkpoint while staging the 32nd group made the main file durable
        store.CloseAbruptly();

        await AssertRecoveredAsync(path, inlineCheckpoint + 1);
    }

    [Fact]
    public async Task Groups_staged_while_upkeep_and_reads_hold_the_main_file_are_read_at_once_and_survive_a_crash()
    {
        const int Groups = 600;
        var path = PathOf("concurrent.sqlite");
        var store = new SqlitePersistence(path, 3, 7);
        await store.RecoverAsync(Ct);
        var stop = false;
        var upkeeps = 0;
        var upkeep = new Thread(() =>
        {
            // A thread of its own (not a pool item that re-queues itself, which can starve the test's continuations).
            while (!Volatile.Read(ref stop))
            {
                if (store.MaintenanceDue)
                {
                    store.MaintainAsync(Ct).AsTask().GetAwaiter().GetResult(); // completes synchronously
                    upkeeps++;
                }
                else
                {
                    // Holds the main connection often, so that many groups are staged while it is busy and queue.
                    store.ScanAsync(Index, KeyRange.All, Ts(ulong.MaxValue / 2), ScanOrder.Ascending, 5, Ct).AsTask().GetAwaiter().GetResult();
                }
            }
        });
        upkeep.Start();

        for (var n = 1; n <= Groups; n++)
        {
            await store.WriteAsync([Commit((ulong)n * 10, n)], Ct);
            Assert.Equal(Doc(n), (await store.GetAsync(Id(n), Ts((ulong)n * 10), Ct))!.Value);
            var rows = await store.ScanAsync(Index, KeyRange.All, Ts((ulong)n * 10), ScanOrder.Descending, 1, Ct);
            Assert.Equal(Doc(n), rows.Single().Document.Value);
        }

        Volatile.Write(ref stop, true);
        upkeep.Join();
        Assert.True(upkeeps > 10, $"upkeep ran {upkeeps} times");
        store.CloseAbruptly();

        await AssertRecoveredAsync(path, Groups);
    }

    [Fact]
    public async Task A_group_staged_while_the_main_file_is_busy_waits_in_the_queue_and_the_next_read_writes_it()
    {
        var path = PathOf("queued.sqlite");
        await using var store = new SqlitePersistence(path, Batch, CheckpointEvery);
        await store.RecoverAsync(Ct);
        await WriteAsync(store, 1, 1);
        using var held = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var holder = new Thread(() =>
        {
            lock (store.MainGateForTests)
            {
                held.Set();
                release.Wait(Ct);
            }
        });
        holder.Start();
        held.Wait(Ct);
        await WriteAsync(store, 2, 3); // staged and synced while the main connection is busy
        Assert.Equal(2, store.PendingGroupsForTests);
        release.Set();
        holder.Join();

        Assert.Equal(Doc(3), (await store.GetAsync(Id(3), Ts(30), Ct))!.Value);
        Assert.Equal(0, store.PendingGroupsForTests);
        var rows = await store.ScanAsync(Index, KeyRange.All, Ts(30), ScanOrder.Ascending, 10, Ct);
        Assert.Equal([1, 2, 3], rows.Select(r => (int)((ConvexInt64)r.Document.Value["n"]!).Value));
    }

    [Fact]
    public async Task A_failed_write_into_the_main_file_stops_reads_and_writes_and_recovery_keeps_what_was_synced()
    {
        var path = PathOf("failed.sqlite");
        var store = new SqlitePersistence(path, Batch, CheckpointEvery);
        await store.RecoverAsync(Ct);
        await WriteAsync(store, 1, Batch);
        await store.MaintainAsync(Ct); // commits the batch: no transaction open on the main file
        using (var blocker = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            blocker.Open();
            using var exclusive = blocker.CreateCommand();
            exclusive.CommandText = "BEGIN EXCLUSIVE";
            exclusive.ExecuteNonQuery(); // the main connection's next write fails (busy)

            await Assert.ThrowsAsync<IOException>(() => store.StageAsync([Commit(50, 5)], Ct).AsTask());
        }

        await Assert.ThrowsAsync<IOException>(() => store.GetAsync(Id(1), Ts(10), Ct).AsTask());
        await Assert.ThrowsAsync<StorageFormatException>(() => store.SyncAsync(Ts(50), Ct).AsTask());
        await Assert.ThrowsAsync<StorageFormatException>(() => store.StageAsync([Commit(60, 6)], Ct).AsTask());
        store.CloseAbruptly();

        await using var reopened = new SqlitePersistence(path);
        Assert.Equal(Ts(Batch * 10UL), await reopened.RecoverAsync(Ct));
        Assert.Null(await reopened.GetAsync(Id(5), Ts(100), Ct));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Delete(recursive: true);
    }

    private static readonly IndexId Index = new(1001);

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    /// <summary>One single-commit group per n in [from, to], each at ts n × 10, made durable.</summary>
    private static async Task WriteAsync(SqlitePersistence store, int from, int to)
    {
        for (var n = from; n <= to; n++)
        {
            await store.WriteAsync([Commit((ulong)n * 10, n)], Ct);
        }
    }

    /// <summary>A new instance recovers every group 1..last, by id and through the index.</summary>
    private static async Task AssertRecoveredAsync(string path, int last)
    {
        await using var reopened = new SqlitePersistence(path);
        var latest = Ts((ulong)last * 10);
        Assert.Equal(latest, await reopened.RecoverAsync(Ct));
        for (var n = 1; n <= last; n++)
        {
            Assert.Equal(Doc(n), (await reopened.GetAsync(Id(n), latest, Ct))!.Value);
        }

        var rows = await reopened.ScanAsync(Index, KeyRange.All, latest, ScanOrder.Ascending, last + 10, Ct);
        Assert.Equal(Enumerable.Range(1, last), rows.Select(r => (int)((ConvexInt64)r.Document.Value["n"]!).Value));
    }

    private static long JournalRows(string path) => SqliteFiles.Scalar(path + SqliteSchema.JournalSuffix, "SELECT COUNT(*) FROM groups");

    private static Timestamp Ts(ulong t) => new(t);

    private static DocumentId Id(int n) => new(Table, (UInt128)n);

    private static ConvexObject Doc(int n) => ConvexObject.Empty.With("n", new ConvexInt64(n));

    /// <summary>Big-endian, so that keys sort as the numbers do.</summary>
    private static byte[] Key(int n) => [(byte)(n >> 8), (byte)n];

    private static CommitRecord Commit(ulong ts, int n) =>
        new(Ts(ts), [new DocumentWrite(Id(n), Doc(n))], [new IndexWrite(Index, Key(n), Id(n))]);
}
