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
    private bool _recovered;

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
            var live = new List<(byte[] Key, DocumentId Id)>();
            var command = _sql.Scan(order == ScanOrder.Ascending, range.End is not null);
            SqliteStatements.Bind(command, ("$index", (long)index.Value), ("$start", range.Start), ("$end", range.End),
                ("$at", (long)at.Value));
            using (var reader = command.ExecuteReader())
            {
                byte[]? previous = null;
                while (live.Count < limit && reader.Read())
                {
                    var key = reader.GetFieldValue<byte[]>(0);
                    if (previous is not null && previous.AsSpan().SequenceEqual(key))
                    {
                        continue; // an older version of a key already decided
                    }

                    previous = key;
                    if (!reader.IsDBNull(2))
                    {
                        live.Add((key, DocumentId.FromInternalIdBytes(new TableNumber((uint)reader.GetInt64(1)),
                            reader.GetFieldValue<byte[]>(2))));
                    }
                }
            }

            foreach (var (key, id) in live)
            {
                var document = GetLocked(id, at);
                Invariant.Assert(document is not null); // an index entry never outlives its document
                rows.Add(new IndexRow(key, document!));
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

    private StoredDocument? GetLocked(DocumentId id, Timestamp at)
    {
        var command = _sql.GetDocument;
        SqliteStatements.Bind(command, ("$table", (long)id.Table.Value), ("$id", id.InternalIdBytes()), ("$at", (long)at.Value));
        using var reader = command.ExecuteReader();
        if (!reader.Read() || reader.IsDBNull(1))
        {
            return null;
        }

        var value = (ConvexObject)ConvexJson.Decode(reader.GetString(1));
        return new StoredDocument(id, new Timestamp((ulong)reader.GetInt64(0)), value);
    }
}
