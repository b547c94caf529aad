using Convex.Sim.Core;
using Convex.Sim.Core.Ids;
using Convex.Sim.Core.Values;
using System.Buffers.Binary;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Convex.Sim.Storage.Sqlite;

/// <summary>The prepared statements of one connection, created once and reused for every call.</summary>
internal sealed class SqliteStatements : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly ScanStatement[] _scans;
    private readonly RawStatement _insertDocument;
    private readonly RawStatement _insertIndex;
    private readonly RawStatement _insertCommit;
    private readonly RawStatement _begin;
    private readonly RawStatement _commit;
    private readonly RawStatement _rollback;

    /// <summary>Where retention's scan for the current bound has got to (state machine: a new bound restarts
    /// both passes; a pass is done once a batch comes back short).</summary>
    private PruneCursor _prune = new(Timestamp.Zero);

    public SqliteStatements(SqliteConnection connection)
    {
        _connection = connection;
        GetDocument = new RawStatement(connection, SqliteSchema.GetDocument);
        LatestCommit = Prepare(SqliteSchema.LatestCommit);
        DocumentVersion = Prepare(SqliteSchema.DocumentVersion);
        bool[] both = [true, false];
        _scans = [.. both.SelectMany(up => both.SelectMany(bounded => both.Select(versions =>
            new ScanStatement(connection, up, bounded, versions))))];
        _insertDocument = new RawStatement(connection, SqliteSchema.InsertDocument);
        _insertIndex = new RawStatement(connection, SqliteSchema.InsertIndex);
        _insertCommit = new RawStatement(connection, SqliteSchema.InsertCommit);
        _begin = new RawStatement(connection, "BEGIN");
        _commit = new RawStatement(connection, "COMMIT");
        _rollback = new RawStatement(connection, "ROLLBACK");
    }

    /// <summary>Parameters: 1 table, 2 internal id, 3 at; columns: ts, json.</summary>
    public RawStatement GetDocument { get; }

    public SqliteCommand LatestCommit { get; }

    public SqliteCommand DocumentVersion { get; }

    public ScanStatement Scan(bool ascending, bool bounded, bool versions)
    {
        var scan = _scans[(ascending ? 0 : 4) + (bounded ? 0 : 2) + (versions ? 0 : 1)];
        Invariant.Assert(scan.Versions == versions);
        return scan;
    }

    /// <summary>Runs <paramref name="write"/> in one SQL transaction (rolled back if it throws).</summary>
    public void InTransaction(Action write)
    {
        _begin.Execute();
        try
        {
            write();
            _commit.Execute();
        }
        catch
        {
            if (!_connection.Handle!.IsInvalid && raw.sqlite3_get_autocommit(_connection.Handle) == 0)
            {
                _rollback.Execute();
            }

            throw;
        }
    }

    /// <summary>Opens a transaction that stays open across calls (the main file's batch of groups).</summary>
    public void Begin()
    {
        Invariant.Assert(!InOpenTransaction);
        _begin.Execute();
    }

    /// <summary>Commits the transaction <see cref="Begin"/> opened.</summary>
    public void Commit()
    {
        Invariant.Assert(InOpenTransaction);
        _commit.Execute();
    }

    public bool InOpenTransaction => raw.sqlite3_get_autocommit(_connection.Handle) == 0;

    /// <summary>Writes one commit to the main tables; <paramref name="json"/> holds its documents' Convex JSON
    /// as UTF-8 (null for a deletion), encoded once for both the journal and the tables.</summary>
    public void WriteCommit(CommitRecord commit, byte[]?[] json)
    {
        Invariant.Assert(json.Length == commit.Documents.Count);
        var ts = checked((long)commit.Ts.Value);
        Span<byte> id = stackalloc byte[16];
        for (var i = 0; i < commit.Documents.Count; i++)
        {
            var write = commit.Documents[i];
            Invariant.Assert(write.Value is null == json[i] is null);
            BinaryPrimitives.WriteUInt128BigEndian(id, write.Id.InternalId);
            _insertDocument.Int64(1, write.Id.Table.Value).Blob(2, id).Int64(3, ts).Utf8Text(4, json[i]).Execute();
        }

        foreach (var entry in commit.Indexes)
        {
            _insertIndex.Int64(1, entry.Index.Value).Blob(2, entry.Key).Int64(3, ts);
            if (entry.Id is { } target)
            {
                BinaryPrimitives.WriteUInt128BigEndian(id, target.InternalId);
                _insertIndex.Int64(4, target.Table.Value).Blob(5, id);
            }
            else
            {
                _insertIndex.Null(4).Null(5);
            }

            _insertIndex.Execute();
        }

        _insertCommit.Int64(1, ts).Execute();
    }

    public List<CommitRecord> LoadCommits(Timestamp after, Timestamp upTo)
    {
        var bounds = new (string, object?)[] { ("$after", (long)after.Value), ("$upTo", (long)Math.Min(upTo.Value, long.MaxValue)) };
        var commits = new SortedDictionary<long, (List<DocumentWrite> Documents, List<IndexWrite> Indexes)>();
        using (var command = Prepare(SqliteSchema.CommitsBetween))
        {
            Bind(command, bounds);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                commits.Add(reader.GetInt64(0), ([], []));
            }
        }

        if (commits.Count == 0)
        {
            return [];
        }

        using (var command = Prepare(SqliteSchema.DocumentsBetween))
        {
            Bind(command, bounds);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var id = DocumentId.FromInternalIdBytes(new TableNumber((uint)reader.GetInt64(1)), reader.GetFieldValue<byte[]>(2));
                var value = reader.IsDBNull(3) ? null : (ConvexObject)ConvexJson.Decode(reader.GetString(3));
                commits[reader.GetInt64(0)].Documents.Add(new DocumentWrite(id, value));
            }
        }

        using (var command = Prepare(SqliteSchema.IndexesBetween))
        {
            Bind(command, bounds);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                DocumentId? id = reader.IsDBNull(4) ? null
                    : DocumentId.FromInternalIdBytes(new TableNumber((uint)reader.GetInt64(3)), reader.GetFieldValue<byte[]>(4));
                commits[reader.GetInt64(0)].Indexes.Add(new IndexWrite(new IndexId((uint)reader.GetInt64(1)), reader.GetFieldValue<byte[]>(2), id));
            }
        }

        return [.. commits.Select(c => new CommitRecord(new Timestamp((ulong)c.Key), c.Value.Documents, c.Value.Indexes))];
    }

    /// <summary>Deletes up to <paramref name="limit"/> versions invisible at and after <paramref name="bound"/>
    /// (inside the caller's transaction), resuming where the previous call for the same bound stopped; when
    /// fewer remain, also the commit rows up to the bound.</summary>
    public int Prune(Timestamp bound, int limit)
    {
        Invariant.Assert(limit > 0);
        if (bound != _prune.Bound)
        {
            _prune = new PruneCursor(bound);
        }

        var documents = _prune.DocumentsDone ? [] : PrunableDocuments(bound, limit);
        var indexes = _prune.IndexesDone || documents.Count == limit ? [] : PrunableIndexes(bound, limit - documents.Count);
        using (var delete = new RawStatement(_connection, SqliteSchema.DeleteDocument))
        {
            foreach (var (table, id, ts) in documents)
            {
                delete.Int64(1, table).Blob(2, id).Int64(3, ts).Execute();
            }
        }

        using (var delete = new RawStatement(_connection, SqliteSchema.DeleteIndex))
        {
            foreach (var (index, key, ts) in indexes)
            {
                delete.Int64(1, index).Blob(2, key).Int64(3, ts).Execute();
            }
        }

        var removed = documents.Count + indexes.Count;
        Invariant.Assert(removed <= limit);
        if (removed < limit)
        {
            Invariant.Assert(_prune.DocumentsDone && _prune.IndexesDone);
            using var commits = Prepare(SqliteSchema.PruneCommits);
            Bind(commits, ("$bound", (long)bound.Value));
            commits.ExecuteNonQuery();
        }

        return removed;
    }

    private List<(long Table, byte[] Id, long Ts)> PrunableDocuments(Timestamp bound, int limit)
    {
        var rows = new List<(long Table, byte[] Id, long Ts)>();
        using (var select = Prepare(SqliteSchema.PrunableDocuments(_prune.Document is not null)))
        {
            Bind(select, ("$bound", (long)bound.Value), ("$limit", limit), ("$table", _prune.Document?.Table),
                ("$id", _prune.Document?.Id));
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                rows.Add((reader.GetInt64(0), reader.GetFieldValue<byte[]>(1), reader.GetInt64(2)));
            }
        }

        _prune.DocumentsDone = rows.Count < limit;
        _prune.Document = rows.Count == 0 ? _prune.Document : (rows[^1].Table, rows[^1].Id);
        return rows;
    }

    private List<(long Index, byte[] Key, long Ts)> PrunableIndexes(Timestamp bound, int limit)
    {
        var rows = new List<(long Index, byte[] Key, long Ts)>();
        using (var select = Prepare(SqliteSchema.PrunableIndexes(_prune.Index is not null)))
        {
            Bind(select, ("$bound", (long)bound.Value), ("$limit", limit), ("$index", _prune.Index?.Index),
                ("$key", _prune.Index?.Key));
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                rows.Add((reader.GetInt64(0), reader.GetFieldValue<byte[]>(1), reader.GetInt64(2)));
            }
        }

        _prune.IndexesDone = rows.Count < limit;
        _prune.Index = rows.Count == 0 ? _prune.Index : (rows[^1].Index, rows[^1].Key);
        return rows;
    }

    public void Dispose()
    {
        foreach (var statement in new[] { _insertDocument, _insertIndex, _insertCommit, _begin, _commit, _rollback })
        {
            statement.Dispose();
        }

        foreach (var scan in _scans)
        {
            scan.Statement.Dispose();
        }

        GetDocument.Dispose();
        foreach (var command in new[] { LatestCommit, DocumentVersion })
        {
            command.Dispose();
        }
    }

    public static void Bind(SqliteCommand command, params (string Name, object? Value)[] values)
    {
        foreach (var (name, value) in values)
        {
            if (command.Parameters.Contains(name))
            {
                command.Parameters[name].Value = value ?? DBNull.Value;
            }
        }
    }

    private SqliteCommand Prepare(string sql)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in ParameterNames(sql))
        {
            command.Parameters.Add(new SqliteParameter(name, DBNull.Value));
        }

        command.Prepare();
        return command;
    }

    private static IEnumerable<string> ParameterNames(string sql) =>
        System.Text.RegularExpressions.Regex.Matches(sql, @"\$[a-zA-Z]+").Select(m => m.Value).Distinct();
}

/// <summary>One of the eight index-scan statements, with its parameter positions resolved once.</summary>
internal sealed class ScanStatement
{
    public ScanStatement(SqliteConnection connection, bool ascending, bool bounded, bool versions)
    {
        Versions = versions;
        Statement = new RawStatement(connection, SqliteSchema.Scan(ascending, bounded, versions));
        Index = Statement.IndexOf("$index");
        Start = Statement.IndexOf("$start");
        End = bounded ? Statement.IndexOf("$end") : 0;
        At = Statement.IndexOf("$at");
    }

    public RawStatement Statement { get; }

    /// <summary>Whether column 3 is the timestamp of the document version each entry points to.</summary>
    public bool Versions { get; }

    public int Index { get; }

    public int Start { get; }

    /// <summary>0 for the unbounded variants.</summary>
    public int End { get; }

    public int At { get; }
}

/// <summary>Retention's position in the version tables for one bound (the last key of the last batch, inclusive).</summary>
internal sealed class PruneCursor(Timestamp bound)
{
    public Timestamp Bound { get; } = bound;

    public (long Table, byte[] Id)? Document { get; set; }

    public bool DocumentsDone { get; set; }

    public (long Index, byte[] Key)? Index { get; set; }

    public bool IndexesDone { get; set; }
}
