using Convex.Sim.Core;
using Convex.Sim.Core.Ids;
using Convex.Sim.Core.Values;
using Convex.Sim.Database.Catalog;
using Convex.Sim.Database.Commit;
using Convex.Sim.Database.Errors;
using Convex.Sim.Database.Indexing;
using Convex.Sim.Database.Log;
using Convex.Sim.Database.Reads;
using Convex.Sim.Database.Retention;
using Convex.Sim.Database.Transactions;
using Convex.Sim.Runtime;
using Convex.Sim.Storage;

namespace Convex.Sim.Database;

/// <summary>
/// The transactional document database: snapshot reads, OCC-validated commits through one
/// <see cref="Committer"/>, and a <see cref="WriteLog"/> of recent commits. Everything it knows is
/// in persistence: <see cref="OpenAsync"/> recovers the latest timestamp and the catalog from it.
///
/// Concurrency: callers may run transactions concurrently. Persistence access is serialised by an
/// async lock (implementations are single-threaded); the published state (latest timestamp,
/// catalog, write log) changes only under <c>_state</c> and only after a commit is durable, so a
/// reader never sees an unacknowledged write.
/// </summary>
public sealed partial class Database
{
    private readonly IPersistence _persistence;
    private readonly SemaphoreSlim _io = new(1, 1);
    private readonly Lock _state = new();
    private readonly WriteLog _writeLog;
    private readonly Committer _committer;
    private TableCatalog _catalog;
    private Timestamp _latestTs;
    private Timestamp _retentionBound;
    private Exception? _failure;

    /// <summary>1 while a maintenance work item runs (<see cref="MaintainIfDue"/>).</summary>
    private int _maintaining;

    private Database(
        IRuntime runtime, IPersistence persistence, DatabaseOptions options, Timestamp recovered, TableCatalog catalog,
        WriteLog writeLog)
    {
        Runtime = runtime;
        Options = options.Validate();
        _persistence = persistence;
        _latestTs = recovered;
        _catalog = catalog;
        _writeLog = writeLog;
        _committer = new Committer(this, runtime);
        _retentionBound = options.RetentionWindow is { } window ? VersionRetention.BoundFor(recovered, window) : Timestamp.Zero;
        Retention = new VersionRetention(this, persistence, _io);
    }

    /// <summary>Version retention: the background task and what it has deleted.</summary>
    internal VersionRetention Retention { get; }

    /// <summary>Reads at timestamps below this fail with <see cref="OutOfRetentionException"/>; history
    /// behind it is being deleted. Only moves forward.</summary>
    public Timestamp RetentionBound
    {
        get
        {
            lock (_state)
            {
                return _retentionBound;
            }
        }
    }

    /// <summary>Document versions and index entries deleted by retention in this incarnation.</summary>
    public long PrunedVersions => Retention.Pruned;

    public IRuntime Runtime { get; }

    public DatabaseOptions Options { get; }

    /// <summary>The newest durable, published commit timestamp.</summary>
    public Timestamp LatestTs
    {
        get
        {
            lock (_state)
            {
                return _latestTs;
            }
        }
    }

    public TableCatalog Catalog
    {
        get
        {
            lock (_state)
            {
                return _catalog;
            }
        }
    }

    public bool IsAvailable => Volatile.Read(ref _failure) is null;

    /// <summary>Recovers from persistence: the latest timestamp, the catalog as of it, and the write log's
    /// recent window (<see cref="DatabaseOptions.WriteLogRecoveryWindow"/>).</summary>
    public static async Task<Database> OpenAsync(
        IRuntime runtime, IPersistence persistence, DatabaseOptions options, CancellationToken cancellationToken)
    {
        var recovered = await persistence.RecoverAsync(cancellationToken);
        var catalog = TableCatalog.Bootstrap;
        foreach (var table in new[] { SystemTables.Tables, SystemTables.Indexes })
        {
            await foreach (var doc in ScanAllAsync(persistence, table.ByCreationTime, recovered, cancellationToken))
            {
                catalog = catalog.Apply(doc.Id, doc.Value);
            }
        }

        var writeLog = await WriteLogRecovery.RebuildAsync(persistence, catalog, recovered, options, cancellationToken);
        var database = new Database(runtime, persistence, options, recovered, catalog, writeLog);
        if (options.RetentionWindow is not null)
        {
            _ = runtime.Spawn("retention", database.Retention.RunAsync, CancellationToken.None);
        }

        return database;
    }

    /// <summary>C#: TLA+ <c>Begin</c>. A read-write transaction at the latest timestamp.</summary>
    public Transaction BeginTransaction() => Begin(TransactionKind.ReadWrite, null);

    /// <summary>A read-only transaction at <paramref name="at"/> (default: the latest timestamp).</summary>
    public Transaction BeginReadOnly(Timestamp? at = null) => Begin(TransactionKind.ReadOnly, at);

    /// <summary>
    /// Commits a transaction and returns its commit timestamp (a read-only or write-free transaction
    /// returns its snapshot). Throws <see cref="OccConflictException"/> on conflict.
    /// </summary>
    public async Task<Timestamp> CommitAsync(Transaction transaction, CancellationToken cancellationToken)
    {
        transaction.MarkFinished();
        if (transaction.WriteCount == 0)
        {
            return transaction.SnapshotTs;
        }

        var prepared = PreparedCommit.From(transaction);
        return prepared.Documents.Count == 0
            ? transaction.SnapshotTs
            : await _committer.CommitAsync(prepared, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="body"/> in a read-write transaction and commits it, re-executing the whole
    /// body on a fresh snapshot after an OCC conflict, with jittered exponential backoff, up to
    /// <see cref="DatabaseOptions.MutationAttemptsMax"/> attempts.
    /// </summary>
    public async Task<MutationResult<T>> RunMutationAsync<T>(
        Func<Transaction, CancellationToken, Task<T>> body, CancellationToken cancellationToken)
    {
        var backoff = Options.RetryBackoffInitial;
        for (var attempt = 1; ; attempt++)
        {
            var transaction = BeginTransaction();
            try
            {
                var value = await body(transaction, cancellationToken);
                var ts = await CommitAsync(transaction, cancellationToken);
                return new MutationResult<T>(value, ts, attempt);
            }
            catch (OccConflictException) when (attempt < Options.MutationAttemptsMax)
            {
                var jittered = TimeSpan.FromTicks((long)Runtime.Random.NextBelow((ulong)backoff.Ticks + 1));
                await Task.Delay(jittered, Runtime.Time, cancellationToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, Options.RetryBackoffMax.Ticks));
            }
        }
    }

    /// <summary>Creates a declared index on a table (creating the table if needed) and backfills it.</summary>
    public async Task<IndexInfo> CreateIndexAsync(
        string tableName, string indexName, IReadOnlyList<FieldPath> fields, CancellationToken cancellationToken)
    {
        Identifiers.ValidateTableName(tableName);
        Identifiers.ValidateIndexName(indexName);
        var result = await RunMutationAsync(async (tx, ct) =>
        {
            var index = await tx.CreateIndexAsync(tableName, indexName, fields, ct);
            await IndexBackfill.WriteEntriesAsync(tx, index, ct);
            return index;
        }, cancellationToken);
        return result.Value;
    }

    /// <summary>Drops a declared index (its documents stay; see <see cref="Transaction.DropIndexAsync"/>).</summary>
    public async Task DropIndexAsync(string tableName, string indexName, CancellationToken cancellationToken) =>
        await RunMutationAsync(async (tx, ct) =>
        {
            await tx.DropIndexAsync(tableName, indexName, ct);
            return true;
        }, cancellationToken);

    /// <summary>
    /// Deletes the sync sessions' mutation records created before <paramref name="cutoffMs"/> (Unix
    /// ms), in transactions of at most <paramref name="batch"/> deletions; returns how many.
    /// </summary>
    public async Task<int> ExpireSessionRequestsAsync(double cutoffMs, int batch, CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            var deleted = await RunMutationAsync(
                (tx, ct) => tx.DeleteSessionRequestsBeforeAsync(cutoffMs, batch, ct).AsTask(), cancellationToken);
            total += deleted.Value;
            if (deleted.Value < batch)
            {
                return total;
            }
        }
    }

    /// <summary>Whether a commit in (after, upTo] wrote inside <paramref name="readSet"/>.</summary>
    public bool ChangedBetween(ReadSet readSet, Timestamp after, Timestamp upTo)
    {
        lock (_state)
        {
            return _writeLog.ChangedBetween(readSet, after, upTo);
        }
    }

    /// <summary>
    /// The commits in (after, upTo], oldest first, with the index keys each wrote: what the
    /// subscription layer matches against its read sets. Throws <see cref="OutOfRetentionException"/>
    /// when <paramref name="after"/> is older than the write log keeps.
    /// </summary>
    public IReadOnlyList<WriteLogEntry> CommitsBetween(Timestamp after, Timestamp upTo)
    {
        lock (_state)
        {
            return [.. _writeLog.Between(after, upTo)];
        }
    }

    private Transaction Begin(TransactionKind kind, Timestamp? at)
    {
        ThrowIfUnavailable();
        lock (_state)
        {
            var ts = at ?? _latestTs;
            if (ts > _latestTs)
            {
                throw new DatabaseUsageException("FutureTimestamp", $"Timestamp {ts} is in the future.");
            }

            if (ts < _retentionBound)
            {
                throw new OutOfRetentionException(
                    $"Timestamp {ts} is older than the retention bound {_retentionBound}; history before it is deleted.");
            }

            // The catalog only grows, so the latest catalog is correct for any snapshot whose reads
            // of tables created later find no documents at that snapshot.
            return new Transaction(this, ts, _catalog, kind);
        }
    }

    private static async IAsyncEnumerable<StoredDocument> ScanAllAsync(
        IPersistence persistence, IndexId index, Timestamp at,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var range = KeyRange.All;
        while (true)
        {
            var rows = await persistence.ScanAsync(index, range, at, ScanOrder.Ascending, 256, cancellationToken);
            foreach (var row in rows)
            {
                yield return row.Document;
            }

            if (rows.Count < 256)
            {
                yield break;
            }

            range = new KeyRange(KeySuccessor.Immediate(rows[^1].Key), null);
        }
    }
}

/// <summary>The outcome of <see cref="Database.RunMutationAsync{T}"/>.</summary>
public sealed record MutationResult<T>(T Value, Timestamp CommitTs, int Attempts);
