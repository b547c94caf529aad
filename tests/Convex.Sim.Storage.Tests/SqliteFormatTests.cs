using Convex.Sim.Core;
using Convex.Sim.Core.Ids;
using Convex.Sim.Core.Values;
using Convex.Sim.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Convex.Sim.Storage.Tests;

/// <summary>
/// The SQLite persistence's two files (format version 2): the commit journal is the durability
/// barrier and recovery replays it into the main file; format version 1 files still open; a newer
/// format is refused with a typed error.
/// </summary>
public sealed class SqliteFormatTests : IDisposable
{
    private static readonly TableNumber Table = TableNumber.FirstUser;
    private static readonly IndexId Index = new(1001);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("convex-sim-sqlite-format-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    private static ConvexObject Doc(int n) => ConvexObject.Empty.With("n", new ConvexInt64(n));

    private static CommitRecord Commit(ulong ts, int n) => new(new Timestamp(ts),
        [new DocumentWrite(new DocumentId(Table, (UInt128)n), Doc(n))],
        [new IndexWrite(Index, Key(n), new DocumentId(Table, (UInt128)n))]);

    /// <summary>Big-endian, so that keys sort as the numbers do.</summary>
    private static byte[] Key(int n) => [(byte)(n >> 8), (byte)n];

    [Fact]
    public async Task Commits_lost_from_the_main_file_are_replayed_from_the_journal()
    {
        var path = PathOf("replay.sqlite");
        var store = new SqlitePersistence(path);
        await store.RecoverAsync(Ct);
        var batch = SqlitePersistence.MainCommitEveryCommits;
        var first = Enumerable.Range(1, batch).Select(n => Commit((ulong)n * 10, n)).ToList();
        await store.WriteAsync(first, Ct); // one full batch: upkeep commits it to the main file
        Assert.True(store.MaintenanceDue);
        await store.MaintainAsync(Ct);
        await store.WriteAsync([Commit((ulong)(batch + 1) * 10, batch + 1)], Ct);
        await store.WriteAsync(
            [Commit((ulong)(batch + 2) * 10, batch + 2), Commit((ulong)(batch + 3) * 10, batch + 3)], Ct);
        store.CloseAbruptly();

        // The crash lost the main file's open transaction (the last two groups); the journal has them.
        Assert.Equal(batch * 10L, SqliteFiles.Scalar(path, "SELECT MAX(ts) FROM commits"));
        Assert.Equal(3L, SqliteFiles.Scalar(path + SqliteSchema.JournalSuffix, "SELECT COUNT(*) FROM groups"));

        var latest = new Timestamp((ulong)(batch + 3) * 10);
        await using var reopened = new SqlitePersistence(path);
        Assert.Equal(latest, await reopened.RecoverAsync(Ct));
        var newest = await reopened.GetAsync(new DocumentId(Table, (UInt128)(batch + 3)), latest, Ct);
        Assert.Equal(Doc(batch + 3), newest!.Value);
        var rows = await reopened.ScanAsync(Index, KeyRange.All, latest, ScanOrder.Ascending, batch + 10, Ct);
        Assert.Equal(Enumerable.Range(1, batch + 3),
            rows.Select(r => (int)((ConvexInt64)r.Document.Value["n"]!).Value));
        Assert.Equal((batch + 3) * 10L, SqliteFiles.Scalar(path, "SELECT MAX(ts) FROM commits")); // replayed into the main file
    }

    [Fact]
    public async Task A_commit_in_the_open_main_transaction_is_readable_before_the_batch_commits()
    {
        var path = PathOf("open.sqlite");
        await using var store = new SqlitePersistence(path);
        await store.RecoverAsync(Ct);
        await store.WriteAsync([Commit(10, 1)], Ct);

        Assert.Equal(Doc(1), (await store.GetAsync(new DocumentId(Table, 1), new Timestamp(10), Ct))!.Value);
        var commits = new List<CommitRecord>();
        await foreach (var commit in store.LoadCommitsAsync(Timestamp.Zero, new Timestamp(10), Ct))
        {
            commits.Add(commit);
        }

        Assert.Equal([new Timestamp(10)], commits.Select(c => c.Ts));
        Assert.Equal(1L, SqliteFiles.Scalar(path + SqliteSchema.JournalSuffix, "SELECT COUNT(*) FROM groups")); // durable there
    }

    [Fact]
    public async Task A_clean_close_leaves_the_main_file_complete_and_the_journal_empty()
    {
        var path = PathOf("clean.sqlite");
        var store = new SqlitePersistence(path);
        await store.RecoverAsync(Ct);
        await store.WriteAsync([Commit(10, 1), Commit(20, 2)], Ct);
        await store.DisposeAsync();

        Assert.Equal(20L, SqliteFiles.Scalar(path, "SELECT MAX(ts) FROM commits"));
        Assert.Equal(0L, SqliteFiles.Scalar(path + SqliteSchema.JournalSuffix, "SELECT COUNT(*) FROM groups"));
        Assert.Equal(2L, SqliteFiles.Scalar(path, "SELECT value FROM meta WHERE key = 'format_version'"));
    }

    [Fact]
    public async Task A_format_version_1_file_opens_with_its_data()
    {
        var path = PathOf("v1.sqlite");
        Execute(path, """
            PRAGMA journal_mode=WAL;
            CREATE TABLE documents (table_number INTEGER NOT NULL, internal_id BLOB NOT NULL, ts INTEGER NOT NULL,
                json TEXT NULL, PRIMARY KEY (table_number, internal_id, ts)) WITHOUT ROWID;
            CREATE TABLE indexes (index_id INTEGER NOT NULL, key BLOB NOT NULL, ts INTEGER NOT NULL,
                table_number INTEGER NULL, internal_id BLOB NULL, PRIMARY KEY (index_id, key, ts)) WITHOUT ROWID;
            CREATE TABLE commits (ts INTEGER PRIMARY KEY);
            INSERT INTO documents VALUES (10001, x'00000000000000000000000000000007', 5, '{"n":{"$integer":"BwAAAAAAAAA="}}');
            INSERT INTO commits VALUES (5);
            """);

        await using var store = new SqlitePersistence(path);
        Assert.Equal(new Timestamp(5), await store.RecoverAsync(Ct));
        Assert.Equal(Doc(7), (await store.GetAsync(new DocumentId(Table, 7), new Timestamp(5), Ct))!.Value);
        await store.WriteAsync([Commit(6, 8)], Ct);
        Assert.Equal(Doc(8), (await store.GetAsync(new DocumentId(Table, 8), new Timestamp(6), Ct))!.Value);
    }

    [Fact]
    public async Task A_newer_format_version_is_refused_with_a_typed_error()
    {
        var path = PathOf("v3.sqlite");
        await new SqlitePersistence(path).DisposeAsync();

        Execute(path, "UPDATE meta SET value = 3 WHERE key = 'format_version'");
        var error = Assert.Throws<StorageFormatException>(() => new SqlitePersistence(path));
        Assert.Contains("format version 3", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private static void Execute(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
