using Convex.Sim.Core;
using Convex.Sim.Core.Ids;
using Convex.Sim.Core.Values;
using Microsoft.Data.Sqlite;

namespace Convex.Sim.Storage.Sqlite;

/// <summary>The prepared statements of one connection, created once and reused for every call.</summary>
internal sealed class SqliteStatements : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand[] _scans;
    private readonly SqliteCommand _insertDocument;
    private readonly SqliteCommand _insertIndex;
    private readonly SqliteCommand _insertCommit;

    public SqliteStatements(SqliteConnection connection)
    {
        _connection = connection;
        GetDocument = Prepare(SqliteSchema.GetDocument);
        LatestCommit = Prepare(SqliteSchema.LatestCommit);
        DocumentVersion = Prepare(SqliteSchema.DocumentVersion);
        _scans = [Prepare(SqliteSchema.Scan(true, true)), Prepare(SqliteSchema.Scan(true, false)),
            Prepare(SqliteSchema.Scan(false, true)), Prepare(SqliteSchema.Scan(false, false))];
        _insertDocument = Prepare(SqliteSchema.InsertDocument);
        _insertIndex = Prepare(SqliteSchema.InsertIndex);
        _insertCommit = Prepare(SqliteSchema.InsertCommit);
    }

    public SqliteCommand GetDocument { get; }

    public SqliteCommand LatestCommit { get; }

    public SqliteCommand DocumentVersion { get; }

    public SqliteCommand Scan(bool ascending, bool bounded) => _scans[(ascending ? 0 : 2) + (bounded ? 0 : 1)];

    public void WriteCommit(SqliteTransaction transaction, CommitRecord commit)
    {
        var ts = checked((long)commit.Ts.Value);
        foreach (var write in commit.Documents)
        {
            _insertDocument.Transaction = transaction;
            Bind(_insertDocument, ("$table", (long)write.Id.Table.Value), ("$id", write.Id.InternalIdBytes()), ("$ts", ts),
                ("$json", write.Value is null ? null : ConvexJson.Encode(write.Value)));
            _insertDocument.ExecuteNonQuery();
        }

        foreach (var entry in commit.Indexes)
        {
            _insertIndex.Transaction = transaction;
            Bind(_insertIndex, ("$index", (long)entry.Index.Value), ("$key", entry.Key), ("$ts", ts),
                ("$table", entry.Id is { } id ? (long)id.Table.Value : null), ("$id", entry.Id?.InternalIdBytes()));
            _insertIndex.ExecuteNonQuery();
        }

        _insertCommit.Transaction = transaction;
        Bind(_insertCommit, ("$ts", ts));
        _insertCommit.ExecuteNonQuery();
    }

    public List<CommitRecord> LoadCommits(Timestamp after, Timestamp upTo)
    {
        var timestamps = new List<long>();
        using (var command = Prepare(SqliteSchema.CommitsBetween))
        {
            Bind(command, ("$after", (long)after.Value), ("$upTo", (long)Math.Min(upTo.Value, long.MaxValue)));
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                timestamps.Add(reader.GetInt64(0));
            }
        }

        return [.. timestamps.Select(LoadCommit)];
    }

    public void Dispose()
    {
        foreach (var command in _scans.Concat([GetDocument, LatestCommit, DocumentVersion, _insertDocument, _insertIndex, _insertCommit]))
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

    private CommitRecord LoadCommit(long ts)
    {
        var documents = new List<DocumentWrite>();
        var indexes = new List<IndexWrite>();
        using (var command = Prepare(SqliteSchema.DocumentsAt))
        {
            Bind(command, ("$ts", ts));
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var id = DocumentId.FromInternalIdBytes(new TableNumber((uint)reader.GetInt64(0)), reader.GetFieldValue<byte[]>(1));
                documents.Add(new DocumentWrite(id, reader.IsDBNull(2) ? null : (ConvexObject)ConvexJson.Decode(reader.GetString(2))));
            }
        }

        using (var command = Prepare(SqliteSchema.IndexesAt))
        {
            Bind(command, ("$ts", ts));
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                DocumentId? id = reader.IsDBNull(3) ? null
                    : DocumentId.FromInternalIdBytes(new TableNumber((uint)reader.GetInt64(2)), reader.GetFieldValue<byte[]>(3));
                indexes.Add(new IndexWrite(new IndexId((uint)reader.GetInt64(0)), reader.GetFieldValue<byte[]>(1), id));
            }
        }

        Invariant.Assert(documents.Count > 0 || indexes.Count > 0);
        return new CommitRecord(new Timestamp((ulong)ts), documents, indexes);
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
