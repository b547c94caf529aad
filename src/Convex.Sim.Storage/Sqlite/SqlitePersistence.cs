using System.Runtime.CompilerServices;
using Convex.Sim.Core;
using Convex.Sim.Core.Ids;
using Convex.Sim.Core.Values;
using Convex.Sim.Storage.Log;
using Microsoft.Data.Sqlite;

namespace Convex.Sim.Storage.Sqlite;

/// <summary>
/// The default persistence: a main SQLite file (WAL, <c>synchronous=NORMAL</c>) with the
/// multi-version tables, plus a commit journal (<see cref="CommitJournal"/>, WAL,
/// <c>synchronous=FULL</c>) that makes each <see cref="WriteAsync"/> group durable with one fsync of a
/// few sequential pages before it returns (group commit; see <see cref="SqliteSchema"/> for the format
/// and why). The main file's writes go into a transaction that stays open across
/// <see cref="MainCommitEveryCommits"/> commits; reads use the same connection, so they see them.
/// Values are stored as Convex JSON. Reads keep two bounded memories, both correct under MVCC: decoded
/// document versions by (id, ts), which never change, and each document's newest version
/// (<see cref="NewestVersions"/>), which spares index scans a B-tree seek per row. Thread safety: one
/// lock guards both connections; calls complete synchronously. After a failed write the outcome is
/// unknown and the instance refuses further writes until a new instance recovers (the "fsyncgate"
/// rule); the main file's open transaction is then never committed (recovery replays its groups from
/// the journal).
/// </summary>
public sealed class SqlitePersistence : IPersistence
{
    /// <summary>Groups written between explicit checkpoints of the main file; a checkpoint makes the main
    /// file durable up to that point, so the journal rows it covers can go.</summary>
    public const int CheckpointEveryGroups = 512;

    /// <summary>Commits written into one main-file transaction before it is committed (without an fsync:
    /// the journal already has them). A page that several groups dirty (a B-tree's inner pages, the
    /// last leaf of an append-only key) is then written to the main file's WAL once per batch, and the
    /// per-transaction work of the main file is paid once per batch. Counted in commits rather than
    /// groups so that a lone writer pays the batch's commit on fewer than 1% of its commits.</summary>
    public const int MainCommitEveryCommits = 512;

    /// <summary>Decoded document versions kept in memory. A version never changes once written, so
    /// the cache needs no invalidation; it is simply emptied when it grows past this size.</summary>
    public const int DecodedVersionsMax = 100_000;

    private readonly Lock _gate = new();
    private readonly SqliteConnection _connection;
    private readonly SqliteStatements _sql;
    private readonly CommitJournal _journal;
    private readonly Dictionary<(DocumentId Id, long Ts), ConvexObject> _decoded = [];
    private readonly NewestVersions _newest = new();
    private bool _recovered;
    private bool _disposed;
    private Exception? _failure;
    private Timestamp _latest;
    private int _groupsSinceCheckpoint;
    private int _commitsInMainTransaction;

    /// <summary>The main file is durable up to here; journal rows up to here are deleted with the next group.</summary>
    private Timestamp _durableInMain;
    private Timestamp _trimmedUpTo;

    /// <summary>The highest bound pruned to in this instance: reads below it may find index entries whose
    /// document version is gone (after a restart the database refuses such reads before they get here).</summary>
    private Timestamp _prunedTo;

    public SqlitePersistence(string path)
    {
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Pooling = false,
            Mode = SqliteOpenMode.ReadWriteCreate,
        }.ToString());
        _connection.Open();
        Execute(SqliteSchema.Pragmas);
        OpenFormat();
        _sql = new SqliteStatements(_connection);
        _journal = new CommitJournal(path + SqliteSchema.JournalSuffix);
    }

    /// <summary>Recovers: the main file's latest commit, then every journal group after it, replayed into
    /// the main file (a crash may have lost main-file transactions that were not yet checkpointed; the
    /// journal has every acknowledged group).</summary>
    public ValueTask<Timestamp> RecoverAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Invariant.Assert(!_recovered);
            _recovered = true;
            var inMain = _sql.LatestCommit.ExecuteScalar() is long ts ? new Timestamp((ulong)ts) : Timestamp.Zero;
            _latest = inMain;
            var groups = _journal.GroupsAfter(inMain);
            if (groups.Count > 0)
            {
                _sql.InTransaction(() =>
                {
                    foreach (var (lastTs, blob) in groups)
                    {
                        var record = LogRecordCodec.TryDecode(blob, 0) ?? throw new StorageFormatException(
                            $"The commit journal's group ending at {lastTs} fails its checksum; the data directory is damaged.");
                        foreach (var commit in record.Commits.Where(c => c.Ts > _latest))
                        {
                            _sql.WriteCommit(commit, Json(commit));
                            _latest = commit.Ts;
                        }
                    }
                });
            }

            Invariant.Assert(_latest >= inMain);
            return ValueTask.FromResult(_latest);
        }
    }

    public ValueTask WriteAsync(IReadOnlyList<CommitRecord> commits, CancellationToken cancellationToken)
    {
        Invariant.Assert(commits.Count > 0);
        var json = commits.Select(Json).ToArray(); // outside the lock: reads may proceed meanwhile
        var record = LogRecordCodec.Encode(commits, json);
        lock (_gate)
        {
            Invariant.Assert(_recovered);
            if (_failure is not null)
            {
                throw new StorageFormatException($"The store needs recovery after an earlier failure: {_failure.Message}");
            }

            try
            {
                WriteGroupLocked(commits, json, record);
            }
            catch (SqliteException e)
            {
                _failure = e;
                throw new IOException($"SQLite failed while writing a commit group: {e.Message}", e);
            }
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
        if (range.IsEmpty)
        {
            return ValueTask.FromResult<IReadOnlyList<IndexRow>>([]);
        }

        var rows = new List<IndexRow>();
        lock (_gate)
        {
            // Below the retention bound only SQLite answers, as before the memory existed; reads at the latest
            // commit teach it (after a failed write, versions newer than the latest may be in the file).
            var memory = at < _prunedTo ? VersionMemory.Unused
                : at >= _latest && _failure is null ? VersionMemory.UsedAndTaught : VersionMemory.Used;
            foreach (var (key, id, docTs) in SqliteIndexScan.LiveEntries(_sql, _newest, index, range, at, order, limit, memory))
            {
                if (docTs < 0)
                {
                    // A live index entry never outlives its document (a superseded one may: retention deletes in
                    // any order), except below the retention bound, where the database refuses the read anyway.
                    Invariant.Assert(at < _prunedTo);
                    continue;
                }

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

    public ValueTask<int> PruneAsync(Timestamp bound, int limit, CancellationToken cancellationToken)
    {
        Invariant.Assert(limit > 0);
        lock (_gate)
        {
            Invariant.Assert(_recovered);
            Invariant.Assert(bound <= _latest);
            if (_failure is not null || _disposed)
            {
                return ValueTask.FromResult(0); // retention may still be running while the server shuts down
            }

            _prunedTo = Timestamp.Max2(_prunedTo, bound);
            try
            {
                CommitMainLocked(); // pruning runs in a transaction of its own
            }
            catch (SqliteException e)
            {
                _failure = e; // SQLite may have rolled the batch back: writes stop until recovery replays it
                throw new IOException($"SQLite failed while committing the main file: {e.Message}", e);
            }

            var removed = 0;
            _sql.InTransaction(() => removed = _sql.Prune(bound, limit));
            Invariant.Assert(removed <= limit);
            return ValueTask.FromResult(removed);
        }
    }

    /// <summary>Closes the files as a crash would: no checkpoint, the journal left as it is (tests).</summary>
    internal void CloseAbruptly()
    {
        lock (_gate)
        {
            Invariant.Assert(!_disposed);
            _failure ??= new InvalidOperationException("closed abruptly");
            _disposed = true;
            _sql.Dispose();
            _connection.Dispose(); // rolls back the main file's open transaction, as a crash loses it
            _journal.Dispose();
        }
    }

    /// <summary>Closes the files. After a clean run the main file is checkpointed and the journal emptied,
    /// so the main file alone is complete (as format version 1 readers expect).</summary>
    public ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return ValueTask.CompletedTask;
            }

            if (_recovered && _failure is null)
            {
                CommitMainLocked();
                if (Checkpoint())
                {
                    _journal.Clear();
                }
            }

            _disposed = true;
            _sql.Dispose();
            _connection.Dispose(); // after a failure, this rolls back the open transaction: recovery replays it
            _journal.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Writes a group into the main file's open transaction, then appends it to the journal, whose commit
    /// is the group's durability point (one fsync). After a failure the main file's open transaction is
    /// never committed, so the main file only ever commits groups the journal already has.
    /// </summary>
    private void WriteGroupLocked(IReadOnlyList<CommitRecord> commits, byte[]?[][] json, byte[] record)
    {
        var last = commits[^1].Ts;
        Invariant.Assert(commits[0].Ts > _latest);
        if (!_sql.InOpenTransaction)
        {
            Invariant.Assert(_commitsInMainTransaction == 0);
            _sql.Begin();
        }

        for (var i = 0; i < commits.Count; i++)
        {
            Invariant.Assert(i == 0 || commits[i].Ts > commits[i - 1].Ts);
            _sql.WriteCommit(commits[i], json[i]);
        }

        var trimTo = _durableInMain > _trimmedUpTo ? _durableInMain : Timestamp.Zero;
        _journal.Append(last, record, trimTo);
        _trimmedUpTo = Timestamp.Max2(_trimmedUpTo, trimTo);
        _latest = last;
        RememberGroup(commits);
        _commitsInMainTransaction += commits.Count;
        if (_commitsInMainTransaction >= MainCommitEveryCommits)
        {
            CommitMainLocked();
        }

        if (++_groupsSinceCheckpoint >= CheckpointEveryGroups)
        {
            CommitMainLocked();
            if (Checkpoint())
            {
                _durableInMain = last;
            }
        }
    }

    /// <summary>Commits the main file's open transaction, if any (no fsync: the journal has its groups).</summary>
    private void CommitMainLocked()
    {
        if (_sql.InOpenTransaction)
        {
            _sql.Commit();
        }

        _commitsInMainTransaction = 0;
        Invariant.Assert(!_sql.InOpenTransaction);
    }

    private void RememberGroup(IReadOnlyList<CommitRecord> commits)
    {
        foreach (var commit in commits)
        {
            foreach (var write in commit.Documents)
            {
                _newest.Wrote(write.Id, (long)commit.Ts.Value);
                if (write.Value is not null)
                {
                    Remember(write.Id, (long)commit.Ts.Value, write.Value); // a fresh version is likely read soon
                }
            }
        }
    }

    /// <summary>Checkpoints the main file; true if it completed (everything committed is then durable there).</summary>
    private bool Checkpoint()
    {
        _groupsSinceCheckpoint = 0;
        using var command = _connection.CreateCommand();
        command.CommandText = SqliteSchema.CheckpointMain;
        using var reader = command.ExecuteReader();
        Invariant.Assert(reader.Read());
        var busy = reader.GetInt64(0);
        var frames = reader.GetInt64(1);
        var done = reader.GetInt64(2);
        return busy == 0 && frames == done;
    }

    /// <summary>Checks the main file's format version; creates or migrates as needed.</summary>
    private void OpenFormat()
    {
        if (Scalar(SqliteSchema.HasMeta) == 0)
        {
            // Fresh, or format version 1: the same main tables without meta or journal.
            Execute(SqliteSchema.Create);
            Execute(SqliteSchema.CreateMeta);
            return;
        }

        var version = Scalar(SqliteSchema.ReadFormatVersion);
        if (version != SqliteSchema.FormatVersion)
        {
            throw new StorageFormatException(
                $"The data file has format version {version}; this build reads version {SqliteSchema.FormatVersion}.");
        }

        Execute(SqliteSchema.Create);
    }

    private long Scalar(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar() is long value ? value : 0;
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>The UTF-8 Convex JSON of a commit's documents (null for a deletion): encoded once, for the
    /// journal's record and the main file's rows.</summary>
    private static byte[]?[] Json(CommitRecord commit)
    {
        var json = new byte[]?[commit.Documents.Count];
        for (var i = 0; i < json.Length; i++)
        {
            json[i] = commit.Documents[i].Value is { } value ? ConvexJson.EncodeToUtf8(value) : null;
        }

        return json;
    }

    private void Remember(DocumentId id, long ts, ConvexObject value)
    {
        if (_decoded.Count >= DecodedVersionsMax)
        {
            _decoded.Clear();
        }

        _decoded[(id, ts)] = value;
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
            value = (ConvexObject)ConvexJson.Decode(json);
            Remember(id, ts, value);
        }

        return value;
    }

    /// <summary>The version visible at <paramref name="at"/>; its JSON is read only on a decoded-cache miss.</summary>
    private StoredDocument? GetLocked(DocumentId id, Timestamp at)
    {
        Span<byte> internalId = stackalloc byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(internalId, id.InternalId);
        var statement = _sql.GetDocument.Int64(1, id.Table.Value).Blob(2, internalId).Int64(3, (long)at.Value);
        try
        {
            if (!statement.Read() || statement.IsNull(1))
            {
                return null;
            }

            var ts = statement.Int64At(0);
            Invariant.Assert(ts <= (long)at.Value);
            var value = _decoded.TryGetValue((id, ts), out var cached) ? cached : Decode(id, ts, statement.TextAt(1));
            return new StoredDocument(id, new Timestamp((ulong)ts), value);
        }
        finally
        {
            statement.Reset();
        }
    }
}
