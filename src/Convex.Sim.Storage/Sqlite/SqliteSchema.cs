namespace Convex.Sim.Storage.Sqlite;

/// <summary>
/// The SQLite tables. Plain rows of scalars and byte keys, so the same layout works on Postgres
/// and MySQL. BLOB keys compare with memcmp, which is the order of the index-key codec.
/// <list type="bullet">
/// <item><c>documents</c>: one row per document version; a NULL <c>json</c> is a deletion.</item>
/// <item><c>indexes</c>: one row per index-key version; NULL <c>internal_id</c> is a tombstone.</item>
/// <item><c>commits</c>: one row per commit timestamp (recovery and the commit log).</item>
/// </list>
/// There is deliberately no index on <c>ts</c> in the version tables: it would be maintained on every
/// commit (about 10% of write throughput, measured) for the benefit of <c>LoadCommitsAsync</c> alone,
/// which only checkers and tools call; it scans instead.
/// </summary>
internal static class SqliteSchema
{
    public const string Create = """
        PRAGMA journal_mode=WAL;
        PRAGMA synchronous=FULL;
        PRAGMA wal_autocheckpoint=8192;
        PRAGMA cache_size=-65536;
        CREATE TABLE IF NOT EXISTS documents (
            table_number INTEGER NOT NULL,
            internal_id BLOB NOT NULL,
            ts INTEGER NOT NULL,
            json TEXT NULL,
            PRIMARY KEY (table_number, internal_id, ts)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS indexes (
            index_id INTEGER NOT NULL,
            key BLOB NOT NULL,
            ts INTEGER NOT NULL,
            table_number INTEGER NULL,
            internal_id BLOB NULL,
            PRIMARY KEY (index_id, key, ts)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS commits (ts INTEGER PRIMARY KEY);
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

    public const string DocumentsAt = "SELECT table_number, internal_id, json FROM documents WHERE ts = $ts";

    public const string IndexesAt = "SELECT index_id, key, table_number, internal_id FROM indexes WHERE ts = $ts";

    /// <summary>
    /// Versions ≤ ts of the index keys in a range, in primary-key order (or exactly its reverse), so
    /// SQLite walks the index without sorting. Ascending, a key's newest version is the last row of
    /// its group; descending, the first. Four variants: either order, with or without an end.
    /// </summary>
    public static string Scan(bool ascending, bool bounded)
    {
        var direction = ascending ? "ASC" : "DESC";
        var end = bounded ? "AND key < $end" : "";
        // The timestamp of the document version each entry points to comes with the row (one round
        // trip instead of one per row); the document itself usually comes from the decoded cache.
        return $"""
            SELECT i.key, i.table_number, i.internal_id,
                   (SELECT MAX(ts) FROM documents
                    WHERE table_number = i.table_number AND internal_id = i.internal_id AND ts <= $at) AS doc_ts
            FROM indexes i
            WHERE i.index_id = $index AND i.key >= $start {end} AND i.ts <= $at
            ORDER BY i.key {direction}, i.ts {direction}
            """;
    }
}
