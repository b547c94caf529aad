using System.Runtime.CompilerServices;
using Convex.Sim.Core;
using Convex.Sim.Core.Ids;
using Convex.Sim.Core.Values;
using Microsoft.Data.Sqlite;

namespace Convex.Sim.Storage.Sqlite;

/// <summary>
/// The default persistence: one SQLite file in WAL mode with <c>synchronous=FULL</c>, so a
/// <see cref="WriteAsync"/> group is one SQL transaction and one fsync before it returns (group
/// commit gives every commit in the group the same fsync). Values are stored as Convex JSON.
/// Thread safety: one connection guarded by a lock; calls complete synchronously.
/// </summary>
public sealed class SqlitePersistence : IPersistence
{
    private readonly Lock _gate = new();
    private readonly SqliteConnection _connection;
    private readonly SqliteStatements _sql;
    private readonly Dictionary<(DocumentId Id, long Ts), ConvexObject> _decoded = [];
    private bool _recovered;

    /// <summary>Decoded document versions kept in memory. A version never changes once written, so
    /// the cache needs no invalidation; it is simply emptied when it grows past this size.</summary>
    public const int DecodedVersionsMax = 100_000;

    public SqlitePersistence(string path)
    {
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Pooling = false,
            Mode = SqliteOpenMode.ReadWriteCreate,
        }.ToString());
        _connection.Open();
        using (var create = _connection.CreateCommand())
        {
            create.CommandText = SqliteSchema.Create;
            create.ExecuteNonQuery();
        }

        _sql = new SqliteStatements(_connection);
    }

    public ValueTask<Timestamp> RecoverAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _recovered = true;
            var latest = _sql.LatestCommit.ExecuteScalar();
            return ValueTask.FromResult(latest is long ts ? new Timestamp((ulong)ts) : Timestamp.Zero);
        }
    }

    public ValueTask WriteAsync(IReadOnlyList<CommitRecord> commits, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Invariant.Assert(_recovered);
            using var transaction = _connection.BeginTransaction();
            foreach (var commit in commits)
            {
                _sql.WriteCommit(transaction, commit);
            }

            transaction.Commit();
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<StoredDocument?> GetAsync(DocumentId id, Timestamp at, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(GetLocked(id, at));
        }
    }

    public ValueTask<IReadOnlyList<IndexRow>> ScanAsync(
        IndexId index, KeyRange range, Timestamp at, ScanOrder order, int limit, CancellationToken cancellationToken)
    {
        Invariant.Assert(limit > 0);
        var rows = new List<IndexRow>();
        if (range.IsEmpty)
        {
            return ValueTask.FromResult<IReadOnlyList<IndexRow>>(rows);
        }

        lock (_gate)
        {
            foreach (var (key, id, docTs, _) in ScanLiveKeys(index, range, at, order, limit))
            {
                rows.Add(new IndexRow(key, new StoredDocument(id, new Timestamp((ulong)docTs), VersionLocked(id, docTs))));
            }
        }

        return ValueTask.FromResult<IReadOnlyList<IndexRow>>(rows);
    }

    public async IAsyncEnumerable<CommitRecord> LoadCommitsAsync(
        Timestamp after, Timestamp upTo, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        List<CommitRecord> commits;
        lock (_gate)
        {
            commits = _sql.LoadCommits(after, upTo);
        }

        foreach (var commit in commits)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return commit;
        }

        await Task.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _sql.Dispose();
            _connection.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The newest version ≤ at of each key in the range, tombstones skipped, up to the limit,
    /// each with the document version it points to (its timestamp and JSON).</summary>
    private List<(byte[] Key, DocumentId Id, long DocTs, string? Json)> ScanLiveKeys(
        IndexId index, KeyRange range, Timestamp at, ScanOrder order, int limit)
    {
        var ascending = order == ScanOrder.Ascending;
        var command = _sql.Scan(ascending, range.End is not null);
        SqliteStatements.Bind(command, ("$index", (long)index.Value), ("$start", range.Start), ("$end", range.End),
            ("$at", (long)at.Value));
        var live = new List<(byte[] Key, DocumentId Id, long DocTs, string? Json)>();
        using var reader = command.ExecuteReader();
        (byte[] Key, DocumentId? Id, long DocTs, string? Json)? newest = null;
        while (live.Count < limit && reader.Read())
        {
            var key = reader.GetFieldValue<byte[]>(0);
            var sameKey = newest is { } current && current.Key.AsSpan().SequenceEqual(key);
            if (!ascending && sameKey)
            {
                continue; // descending: the first row of a key was its newest version
            }

            if (ascending && newest is { Id: { } doneId } done && !sameKey)
            {
                live.Add((done.Key, doneId, done.DocTs, done.Json)); // ascending: the group ended with its newest
            }

            var row = ReadScanRow(reader, key);
            newest = row;
            if (!ascending && row.Id is { } liveId)
            {
                live.Add((key, liveId, row.DocTs, row.Json));
            }
        }

        if (ascending && live.Count < limit && newest is { Id: { } lastId } last)
        {
            live.Add((last.Key, lastId, last.DocTs, last.Json));
        }

        return live;
    }

    private static (byte[] Key, DocumentId? Id, long DocTs, string? Json) ReadScanRow(SqliteDataReader reader, byte[] key)
    {
        if (reader.IsDBNull(2))
        {
            return (key, null, 0, null);
        }

        var id = DocumentId.FromInternalIdBytes(new TableNumber((uint)reader.GetInt64(1)), reader.GetFieldValue<byte[]>(2));
        Invariant.Assert(!reader.IsDBNull(3)); // an index entry never outlives its document
        return (key, id, reader.GetInt64(3), null);
    }

    /// <summary>A known document version: from the decoded cache, else read and decoded.</summary>
    private ConvexObject VersionLocked(DocumentId id, long ts)
    {
        if (_decoded.TryGetValue((id, ts), out var cached))
        {
            return cached;
        }

        var command = _sql.DocumentVersion;
        SqliteStatements.Bind(command, ("$table", (long)id.Table.Value), ("$id", id.InternalIdBytes()), ("$ts", ts));
        var json = command.ExecuteScalar() as string;
        Invariant.Assert(json is not null); // the version an index entry points to is a live document
        return Decode(id, ts, json!);
    }

    private ConvexObject Decode(DocumentId id, long ts, string json)
    {
        if (!_decoded.TryGetValue((id, ts), out var value))
        {
            if (_decoded.Count >= DecodedVersionsMax)
            {
                _decoded.Clear();
            }

            value = (ConvexObject)ConvexJson.Decode(json);
            _decoded[(id, ts)] = value;
        }

        return value;
    }

    private StoredDocument? GetLocked(DocumentId id, Timestamp at)
    {
        var command = _sql.GetDocument;
        SqliteStatements.Bind(command, ("$table", (long)id.Table.Value), ("$id", id.InternalIdBytes()), ("$at", (long)at.Value));
        using var reader = command.ExecuteReader();
        if (!reader.Read() || reader.IsDBNull(1))
        {
            return null;
        }

        var ts = reader.GetInt64(0);
        return new StoredDocument(id, new Timestamp((ulong)ts), Decode(id, ts, reader.GetString(1)));
    }
}
