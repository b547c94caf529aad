using Microsoft.Data.Sqlite;

namespace Convex.Sim.Storage.Sqlite;

/// <summary>
/// The SQLite files. Plain rows of scalars and byte keys, so the same layout works on Postgres
/// and MySQL. BLOB keys compare with memcmp, which is the order of the index-key codec.
///
/// Two files (format version 2). The main file holds the multi-version tables:
/// <list type="bullet">
/// <item><c>documents</c>: one row per document version; a NULL <c>json</c> is a deletion.</item>
/// <item><c>indexes</c>: one row per index-key version; NULL <c>internal_id</c> is a tombstone.</item>
/// <item><c>commits</c>: one row per commit timestamp (recovery and the commit log).</item>
/// <item><c>meta</c>: the format version.</item>
/// </list>
/// The commit journal (<c>PATH.commitlog</c>, its own connection, see <see cref="CommitJournal"/>)
/// holds one row per write group: the group's commits in the log record format of
/// <c>LogRecordCodec</c>. It is the durability barrier: the journal runs with
/// <c>synchronous=FULL</c>, the main file with <c>synchronous=NORMAL</c>. A group is first written
/// into the main file's open transaction, then appended to the journal in a transaction of its
/// own, whose commit is the group's one fsync: a page or two of sequential journal WAL instead of
/// every randomly placed B-tree page the group dirtied (about 20 µs each, measured). The main
/// file's transaction is committed every 2,048 commits (no fsync), so a B-tree page that many
/// groups dirty is written to its WAL once per batch instead of once per group; it becomes durable
/// at its checkpoints, after which the journal rows it covers are deleted. Recovery replays the
/// journal rows newer than the main file's latest commit (a crash loses the open transaction and
/// whatever the main file's WAL had not synced).
///
/// Format version 1 (builds before 2026-11-29) had the same main tables, no <c>meta</c> and no
/// journal; it opens as version 2 with an empty journal. A newer version is refused.
///
/// There is deliberately no index on <c>ts</c> in the version tables: it would be maintained on every
/// commit (about 10% of write throughput, measured) for the benefit of <c>LoadCommitsAsync</c> alone,
/// which only checkers and tools call; it scans instead.
/// </summary>
internal static class SqliteSchema
{
    /// <summary>Opens (creating if missing) one of the persistence's files on a connection of its own, unpooled:
    /// each file has exactly one connection, owned and disposed by its user.</summary>
    public static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Pooling = false,
            Mode = SqliteOpenMode.ReadWriteCreate,
        }.ToString());
        connection.Open();
        return connection;
    }

    public const int FormatVersion = 2;

    /// <summary>The suffix of the commit journal's file name.</summary>
    public const string JournalSuffix = ".commitlog";

    public const string Pragmas = """
        PRAGMA main.journal_mode=WAL;
        PRAGMA main.synchronous=NORMAL;
        PRAGMA main.cache_size=-65536;
        PRAGMA wal_autocheckpoint=8192;
        """;

    public const string HasMeta = "SELECT COUNT(*) FROM main.sqlite_master WHERE type = 'table' AND name = 'meta'";

    public const string HasCommits = "SELECT COUNT(*) FROM main.sqlite_master WHERE type = 'table' AND name = 'commits'";

    public const string ReadFormatVersion = "SELECT value FROM main.meta WHERE key = 'format_version'";

    public const string CreateMeta = """
        CREATE TABLE main.meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
        INSERT INTO main.meta (key, value) VALUES ('format_version', 2);
        """;

    public const string CreateJournal = """
        PRAGMA journal_mode=WAL;
        PRAGMA synchronous=FULL;
        CREATE TABLE IF NOT EXISTS groups (last_ts INTEGER PRIMARY KEY, record BLOB NOT NULL);
        """;

    public const string InsertJournal = "INSERT INTO groups (last_ts, record) VALUES ($ts, $record)";

    public const string TrimJournal = "DELETE FROM groups WHERE last_ts <= $ts";

    public const string JournalAfter = "SELECT last_ts, record FROM groups WHERE last_ts > $ts ORDER BY last_ts";

    public const string ClearJournal = "DELETE FROM groups; PRAGMA wal_checkpoint(TRUNCATE);";

    /// <summary>Makes everything committed to the main file durable (NORMAL syncs the WAL before a
    /// checkpoint and the database after a complete one).</summary>
    public const string CheckpointMain = "PRAGMA main.wal_checkpoint(PASSIVE)";

    /// <summary>
    /// Versions no read at or after the bound can see, in primary-key order from a cursor: those
    /// superseded at or before the bound, and the version visible at the bound if it is a tombstone. A key's
    /// tombstone comes after its older versions, so a LIMIT that includes it includes them, and one
    /// transaction deletes them together (an older version is never uncovered). The cursor (the last key
    /// of the previous batch, inclusive) keeps each batch from rescanning the table from its start.
    /// </summary>
    public static string PrunableDocuments(bool fromCursor) => $"""
        SELECT d.table_number, d.internal_id, d.ts FROM documents d
        WHERE d.ts <= $bound {(fromCursor ? "AND (d.table_number, d.internal_id) >= ($table, $id)" : "")} AND (
            EXISTS (SELECT 1 FROM documents n WHERE n.table_number = d.table_number AND n.internal_id = d.internal_id
                    AND n.ts > d.ts AND n.ts <= $bound)
            OR d.json IS NULL)
        ORDER BY d.table_number, d.internal_id, d.ts
        LIMIT $limit
        """;

    public static string PrunableIndexes(bool fromCursor) => $"""
        SELECT i.index_id, i.key, i.ts FROM indexes i
        WHERE i.ts <= $bound {(fromCursor ? "AND (i.index_id, i.key) >= ($index, $key)" : "")} AND (
            EXISTS (SELECT 1 FROM indexes n WHERE n.index_id = i.index_id AND n.key = i.key AND n.ts > i.ts AND n.ts <= $bound)
            OR i.internal_id IS NULL)
        ORDER BY i.index_id, i.key, i.ts
        LIMIT $limit
        """;

    public const string DeleteDocument = "DELETE FROM documents WHERE table_number = $table AND internal_id = $id AND ts = $ts";

    public const string DeleteIndex = "DELETE FROM indexes WHERE index_id = $index AND key = $key AND ts = $ts";

    public const string PruneCommits = "DELETE FROM commits WHERE ts <= $bound AND ts < (SELECT MAX(ts) FROM commits)";

    public const string Create = """
        CREATE TABLE IF NOT EXISTS main.documents (
            table_number INTEGER NOT NULL,
            internal_id BLOB NOT NULL,
            ts INTEGER NOT NULL,
            json TEXT NULL,
            PRIMARY KEY (table_number, internal_id, ts)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS main.indexes (
            index_id INTEGER NOT NULL,
            key BLOB NOT NULL,
            ts INTEGER NOT NULL,
            table_number INTEGER NULL,
            internal_id BLOB NULL,
            PRIMARY KEY (index_id, key, ts)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS main.commits (ts INTEGER PRIMARY KEY);
        """;

    public const string InsertDocument =
        "INSERT INTO documents (table_number, internal_id, ts, json) VALUES ($table, $id, $ts, $json)";

    public const string InsertIndex =
        "INSERT INTO indexes (index_id, key, ts, table_number, internal_id) VALUES ($index, $key, $ts, $table, $id)";

    public const string InsertCommit = "INSERT INTO commits (ts) VALUES ($ts)";

    public const string GetDocument = """
        SELECT ts, json FROM documents
        WHERE table_number = $table AND internal_id = $id AND ts <= $at
        ORDER BY ts DESC LIMIT 1
        """;

    public const string LatestCommit = "SELECT MAX(ts) FROM commits";

    public const string DocumentVersion =
        "SELECT json FROM documents WHERE table_number = $table AND internal_id = $id AND ts = $ts";

    public const string CommitsBetween = "SELECT ts FROM commits WHERE ts > $after AND ts <= $upTo ORDER BY ts";

    /// <summary>One pass over each version table for a whole window (there is no index on ts, see above), in
    /// primary-key order, so each commit's rows come out in the same order as a per-commit query would.</summary>
    public const string DocumentsBetween =
        "SELECT ts, table_number, internal_id, json FROM documents WHERE ts > $after AND ts <= $upTo";

    public const string IndexesBetween =
        "SELECT ts, index_id, key, table_number, internal_id FROM indexes WHERE ts > $after AND ts <= $upTo";

    /// <summary>
    /// Versions ≤ ts of the index keys in a range, in primary-key order (or exactly its reverse), so
    /// SQLite walks the index without sorting. Ascending, a key's newest version is the last row of
    /// its group; descending, the first. Eight variants: either order, with or without an end, and with
    /// or without the timestamp of the document version each entry points to (−1 if there is none: a
    /// tombstone, or retention deleted it). That column is a correlated B-tree seek in <c>documents</c> per
    /// row, half of the scan's time in SQLite, so scans first try without it, resolving each entry's
    /// version from memory (<see cref="NewestVersions"/>), and run with it only when memory cannot answer.
    /// </summary>
    public static string Scan(bool ascending, bool bounded, bool versions)
    {
        var direction = ascending ? "ASC" : "DESC";
        var end = bounded ? "AND key < $end" : "";
        var docTs = versions
            ? """
              , COALESCE((SELECT MAX(ts) FROM documents
                  WHERE table_number = i.table_number AND internal_id = i.internal_id AND ts <= $at), -1) AS doc_ts
              """
            : "";
        return $"""
            SELECT i.key, i.table_number, i.internal_id {docTs}
            FROM indexes i
            WHERE i.index_id = $index AND i.key >= $start {end} AND i.ts <= $at
            ORDER BY i.key {direction}, i.ts {direction}
            """;
    }
}
