using Convex.Sim.Core;
using Convex.Sim.Core.Ids;
using Convex.Sim.Core.Values;

namespace Convex.Sim.Storage.Tests;

/// <summary>
/// The contract of <see cref="IPersistence"/>, run against every implementation (one subclass each).
/// Expected values are written out by hand from the contract, never computed by an implementation.
/// </summary>
public abstract class PersistenceConformance
{
    protected static readonly TableNumber Table = TableNumber.FirstUser;
    protected static readonly IndexId Index = new(1001);

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A fresh, empty store.</summary>
    protected abstract IPersistence CreateEmpty();

    /// <summary>Closes <paramref name="store"/> and opens what it persisted; null if not durable.</summary>
    protected abstract IPersistence? Reopen(IPersistence store);

    protected static DocumentId Id(int n) => new(Table, (UInt128)n);

    protected static ConvexObject Doc(int n) => ConvexObject.Empty.With("n", new ConvexInt64(n));

    protected static Timestamp Ts(ulong t) => new(t);

    protected static byte[] Key(params byte[] bytes) => bytes;

    protected static CommitRecord Commit(ulong ts, DocumentWrite[] docs, IndexWrite[]? indexes = null) =>
        new(Ts(ts), docs, indexes ?? []);

    [Fact]
    public async Task An_empty_store_recovers_at_timestamp_zero()
    {
        await using var store = CreateEmpty();
        Assert.Equal(Timestamp.Zero, await store.RecoverAsync(Ct));
        Assert.Null(await store.GetAsync(Id(1), Ts(100), Ct));
        Assert.Empty(await store.ScanAsync(Index, KeyRange.All, Ts(100), ScanOrder.Ascending, 10, Ct));
    }

    [Fact]
    public async Task Reads_see_the_latest_version_at_or_before_their_timestamp()
    {
        await using var store = CreateEmpty();
        await store.RecoverAsync(Ct);
        await store.WriteAsync([Commit(10, [new(Id(1), Doc(1))])], Ct);
        await store.WriteAsync([Commit(20, [new(Id(1), Doc(2))]), Commit(30, [new(Id(1), null)])], Ct);

        Assert.Null(await store.GetAsync(Id(1), Ts(9), Ct));
        Assert.Equal(Doc(1), (await store.GetAsync(Id(1), Ts(10), Ct))!.Value);
        Assert.Equal(Ts(10), (await store.GetAsync(Id(1), Ts(19), Ct))!.Ts);
        Assert.Equal(Doc(2), (await store.GetAsync(Id(1), Ts(29), Ct))!.Value);
        Assert.Null(await store.GetAsync(Id(1), Ts(30), Ct));
    }

    [Fact]
    public async Task Index_scans_honour_range_order_limit_and_tombstones()
    {
        await using var store = CreateEmpty();
        await store.RecoverAsync(Ct);
        var docs = Enumerable.Range(1, 4).Select(n => new DocumentWrite(Id(n), Doc(n))).ToArray();
        await store.WriteAsync([Commit(10, docs, [
            new(Index, Key(1), Id(1)), new(Index, Key(2), Id(2)), new(Index, Key(3), Id(3)), new(Index, Key(3, 0), Id(4))])], Ct);
        await store.WriteAsync([Commit(20, [new(Id(2), null)], [new(Index, Key(2), null)])], Ct);

        Assert.Equal([1, 2, 3, 4], await Numbers(store, KeyRange.All, 15, ScanOrder.Ascending, 10));
        Assert.Equal([1, 3, 4], await Numbers(store, KeyRange.All, 20, ScanOrder.Ascending, 10));
        Assert.Equal([4, 3, 1], await Numbers(store, KeyRange.All, 20, ScanOrder.Descending, 10));
        Assert.Equal([1, 3], await Numbers(store, KeyRange.All, 20, ScanOrder.Ascending, 2));
        Assert.Equal([3, 4], await Numbers(store, KeyRange.Prefix(Key(3)), 20, ScanOrder.Ascending, 10));
        Assert.Equal([2, 3], await Numbers(store, new KeyRange(Key(2), Key(3, 0)), 10, ScanOrder.Ascending, 10));
        Assert.Empty(await Numbers(store, new KeyRange(Key(2), Key(2)), 10, ScanOrder.Ascending, 10));
        Assert.Empty(await Numbers(store, KeyRange.All, 9, ScanOrder.Ascending, 10));
    }

    [Fact]
    public async Task A_key_that_moves_is_found_at_its_position_for_each_timestamp()
    {
        await using var store = CreateEmpty();
        await store.RecoverAsync(Ct);
        await store.WriteAsync([Commit(10, [new(Id(1), Doc(1))], [new(Index, Key(5), Id(1))])], Ct);
        await store.WriteAsync([Commit(20, [new(Id(1), Doc(9))], [new(Index, Key(5), null), new(Index, Key(1), Id(1))])], Ct);

        var old = await store.ScanAsync(Index, KeyRange.All, Ts(15), ScanOrder.Ascending, 10, Ct);
        var now = await store.ScanAsync(Index, KeyRange.All, Ts(25), ScanOrder.Ascending, 10, Ct);
        Assert.Equal(Key(5), Assert.Single(old).Key);
        Assert.Equal(Doc(1), old[0].Document.Value);
        Assert.Equal(Key(1), Assert.Single(now).Key);
        Assert.Equal(Doc(9), now[0].Document.Value);
    }

    /// <summary>An update that keeps a document's keys writes no index entry, so an entry's own timestamp says
    /// nothing about which document version a scan must return (SQLite answers it from memory when it can).</summary>
    [Fact]
    public async Task An_entry_whose_document_changed_under_it_returns_the_version_of_each_timestamp()
    {
        var store = CreateEmpty();
        await store.RecoverAsync(Ct);
        await store.WriteAsync([Commit(10, [new(Id(1), Doc(1))], [new(Index, Key(1), Id(1))])], Ct);
        await store.WriteAsync([Commit(20, [new(Id(1), Doc(2))])], Ct);
        await AssertScanAsync(store, 15, 1, 10);
        await AssertScanAsync(store, 25, 2, 20);

        await using var reopened = Reopen(store) ?? store; // a durable store starts again with nothing in memory
        if (!ReferenceEquals(reopened, store))
        {
            Assert.Equal(Ts(20), await reopened.RecoverAsync(Ct));
        }

        await AssertScanAsync(reopened, 20, 2, 20); // read at the latest commit
        await reopened.WriteAsync([Commit(30, [new(Id(1), Doc(3))])], Ct);
        await AssertScanAsync(reopened, 25, 2, 20);
        await AssertScanAsync(reopened, 35, 3, 30);
        await AssertScanAsync(reopened, 10, 1, 10);
        await reopened.WriteAsync([Commit(40, [new(Id(2), Doc(4))], [new(Index, Key(1), null), new(Index, Key(2), Id(2))]),
            Commit(50, [new(Id(1), null)])], Ct);
        Assert.Equal([3], await Numbers(reopened, KeyRange.All, 39, ScanOrder.Descending, 10));
        Assert.Equal([4], await Numbers(reopened, KeyRange.All, 40, ScanOrder.Descending, 10));
        Assert.Equal([4], await Numbers(reopened, KeyRange.All, 50, ScanOrder.Ascending, 10));
    }

    private static async Task AssertScanAsync(IPersistence store, ulong at, long n, ulong ts)
    {
        var row = Assert.Single(await store.ScanAsync(Index, KeyRange.All, Ts(at), ScanOrder.Ascending, 10, Ct));
        Assert.Equal(Key(1), row.Key);
        Assert.Equal(Doc((int)n), row.Document.Value);
        Assert.Equal(Ts(ts), row.Document.Ts);
        Assert.Equal(Ts(ts), (await store.GetAsync(Id(1), Ts(at), Ct))!.Ts);
    }

    [Fact]
    public async Task The_commit_log_returns_a_window_of_commits_in_order()
    {
        await using var store = CreateEmpty();
        await store.RecoverAsync(Ct);
        await store.WriteAsync([Commit(10, [new(Id(1), Doc(1))]), Commit(20, [new(Id(2), Doc(2))], [new(Index, Key(7), Id(2))])], Ct);
        await store.WriteAsync([Commit(30, [new(Id(1), null)])], Ct);

        var window = new List<CommitRecord>();
        await foreach (var commit in store.LoadCommitsAsync(Ts(10), Ts(30), Ct))
        {
            window.Add(commit);
        }

        Assert.Equal([Ts(20), Ts(30)], window.Select(c => c.Ts));
        Assert.Equal(Id(2), Assert.Single(window[0].Documents).Id);
        Assert.Equal(Key(7), Assert.Single(window[0].Indexes).Key);
        Assert.Null(Assert.Single(window[1].Documents).Value);
    }

    [Fact]
    public async Task Staged_groups_are_readable_and_one_sync_makes_every_earlier_one_durable()
    {
        var store = CreateEmpty();
        await store.RecoverAsync(Ct);
        await store.StageAsync([Commit(10, [new(Id(1), Doc(1))])], Ct);
        await store.StageAsync([Commit(20, [new(Id(1), Doc(2))]), Commit(30, [new(Id(2), Doc(3))])], Ct);
        await store.SyncAsync(Ts(30), Ct);
        await store.SyncAsync(Ts(10), Ct); // covered by the later sync

        Assert.Equal(Doc(1), (await store.GetAsync(Id(1), Ts(19), Ct))!.Value);
        Assert.Equal(Doc(2), (await store.GetAsync(Id(1), Ts(30), Ct))!.Value);
        await using var reopened = Reopen(store) ?? store;
        if (!ReferenceEquals(reopened, store))
        {
            Assert.Equal(Ts(30), await reopened.RecoverAsync(Ct));
        }

        Assert.Equal(Doc(1), (await reopened.GetAsync(Id(1), Ts(10), Ct))!.Value);
        Assert.Equal(Doc(3), (await reopened.GetAsync(Id(2), Ts(30), Ct))!.Value);
    }

    [Fact]
    public async Task Reopening_a_durable_store_keeps_everything()
    {
        var store = CreateEmpty();
        await store.RecoverAsync(Ct);
        await store.WriteAsync([Commit(10, [new(Id(1), Doc(1))], [new(Index, Key(1), Id(1))])], Ct);
        await store.WriteAsync([Commit(20, [new(Id(2), Doc(2))], [new(Index, Key(2), Id(2))])], Ct);

        await using var reopened = Reopen(store);
        if (reopened is null)
        {
            return; // not a durable implementation
        }

        Assert.Equal(Ts(20), await reopened.RecoverAsync(Ct));
        Assert.Equal(Doc(2), (await reopened.GetAsync(Id(2), Ts(20), Ct))!.Value);
        Assert.Equal([1, 2], await Numbers(reopened, KeyRange.All, 20, ScanOrder.Ascending, 10));
    }

    /// <summary>History for the retention tests: document 1 is written at 10 and 20 and deleted at 30 (its
    /// index key moves from 1 to 2, then goes); document 2 is written at 10 and 40 under key 5.</summary>
    private static async Task WriteHistoryAsync(IPersistence store)
    {
        await store.WriteAsync([Commit(10, [new(Id(1), Doc(1)), new(Id(2), Doc(20))], [new(Index, Key(1), Id(1)), new(Index, Key(5), Id(2))])], Ct);
        await store.WriteAsync([Commit(20, [new(Id(1), Doc(2))], [new(Index, Key(1), null), new(Index, Key(2), Id(1))])], Ct);
        await store.WriteAsync([Commit(30, [new(Id(1), null)], [new(Index, Key(2), null)])], Ct);
        await store.WriteAsync([Commit(40, [new(Id(2), Doc(21))])], Ct);
    }

    /// <summary>What reads at 25, 30, 35 and 40 see in the history above (must never change with pruning at 25).</summary>
    private static async Task AssertReadsFrom25Async(IPersistence store)
    {
        Assert.Equal(Doc(2), (await store.GetAsync(Id(1), Ts(25), Ct))!.Value);
        Assert.Null(await store.GetAsync(Id(1), Ts(30), Ct));
        Assert.Null(await store.GetAsync(Id(1), Ts(35), Ct));
        Assert.Equal(Doc(20), (await store.GetAsync(Id(2), Ts(35), Ct))!.Value);
        Assert.Equal(Doc(21), (await store.GetAsync(Id(2), Ts(40), Ct))!.Value);
        Assert.Equal([2, 20], await Numbers(store, KeyRange.All, 25, ScanOrder.Ascending, 10));
        Assert.Equal([20], await Numbers(store, KeyRange.All, 30, ScanOrder.Ascending, 10));
        Assert.Equal([21], await Numbers(store, KeyRange.All, 40, ScanOrder.Descending, 10));
    }

    [Fact]
    public async Task Pruning_deletes_superseded_versions_and_keeps_every_read_at_or_after_the_bound()
    {
        await using var store = CreateEmpty();
        await store.RecoverAsync(Ct);
        await WriteHistoryAsync(store);

        var removed = await store.PruneAsync(Ts(25), 1000, Ct);

        // Superseded at 25: document 1 at 10, and key 1 (entry at 10, tombstone at 20, which then hides nothing).
        Assert.Equal(3, removed);
        Assert.Null(await store.GetAsync(Id(1), Ts(15), Ct));
        Assert.Equal(Doc(20), (await store.GetAsync(Id(2), Ts(15), Ct))!.Value); // still the visible version at 25
        await AssertReadsFrom25Async(store);
        Assert.Equal(0, await store.PruneAsync(Ts(25), 1000, Ct));
    }

    [Fact]
    public async Task Pruning_in_batches_of_one_never_uncovers_a_deleted_version()
    {
        await using var store = CreateEmpty();
        await store.RecoverAsync(Ct);
        await WriteHistoryAsync(store);

        var total = 0;
        for (var removed = 1; removed > 0; total += removed)
        {
            removed = await store.PruneAsync(Ts(35), 1, Ct);
            Assert.InRange(removed, 0, 1);
            Assert.Null(await store.GetAsync(Id(1), Ts(35), Ct)); // deleted at 30: the tombstone goes last
            Assert.Empty(await Numbers(store, KeyRange.Prefix(Key(2)), 35, ScanOrder.Ascending, 10));
            Assert.Equal(Doc(20), (await store.GetAsync(Id(2), Ts(35), Ct))!.Value);
        }

        // Document 1 entirely (3 versions), key 1 (2) and key 2 (2); document 2 and key 5 keep their visible versions.
        Assert.Equal(7, total);
        Assert.Null(await store.GetAsync(Id(1), Ts(25), Ct));
        Assert.Equal(Doc(21), (await store.GetAsync(Id(2), Ts(40), Ct))!.Value);
        Assert.Equal([20], await Numbers(store, KeyRange.All, 35, ScanOrder.Ascending, 10));
    }

    [Fact]
    public async Task A_pruned_durable_store_reopens_with_the_same_reads_after_the_bound()
    {
        var store = CreateEmpty();
        await store.RecoverAsync(Ct);
        await WriteHistoryAsync(store);
        Assert.True(await store.PruneAsync(Ts(25), 1000, Ct) > 0);

        await using var reopened = Reopen(store);
        if (reopened is null)
        {
            await store.DisposeAsync();
            return; // not a durable implementation
        }

        Assert.Equal(Ts(40), await reopened.RecoverAsync(Ct));
        await AssertReadsFrom25Async(reopened);
        var window = new List<Timestamp>();
        await foreach (var commit in reopened.LoadCommitsAsync(Ts(25), Ts(40), Ct))
        {
            window.Add(commit.Ts);
        }

        Assert.Equal([Ts(30), Ts(40)], window); // commits after the bound are intact
    }

    private static async Task<List<long>> Numbers(IPersistence store, KeyRange range, ulong at, ScanOrder order, int limit) =>
        [.. (await store.ScanAsync(Index, range, Ts(at), order, limit, Ct)).Select(r => ((ConvexInt64)r.Document.Value["n"]!).Value)];
}
