using Convex.Sim.Core;
using Convex.Sim.Core.Ids;
using Convex.Sim.Core.Values;
using Convex.Sim.Database.Catalog;
using Convex.Sim.Database.Errors;
using Convex.Sim.Database.Indexing;
using Convex.Sim.Database.Reads;
using Convex.Sim.Storage;

namespace Convex.Sim.Database.Transactions;

public enum TransactionKind
{
    /// <summary>Reads only (a query); writing throws.</summary>
    ReadOnly = 1,

    /// <summary>Reads and buffered writes, validated by OCC at commit (a mutation).</summary>
    ReadWrite = 2,
}

/// <summary>
/// A transaction at a snapshot timestamp (TLA+ <c>Transactions.tla</c>: Begin, Read, Write).
/// Reads see the latest committed version with ts ≤ <see cref="SnapshotTs"/> merged with the
/// transaction's own buffered writes, and are recorded in <see cref="ReadSet"/>. Writes are buffered
/// until <see cref="Database.CommitAsync"/>. A transaction is used by one logical caller at a time.
/// </summary>
public sealed partial class Transaction
{
    private readonly SortedDictionary<DocumentId, PendingWrite> _pending = [];
    private readonly Dictionary<DocumentId, ConvexObject> _snapshotValues = [];
    private readonly List<IndexWrite> _backfill = [];
    private double _lastCreationTime;
    private bool _finished;

    internal Transaction(Database database, Timestamp snapshotTs, TableCatalog catalog, TransactionKind kind)
    {
        Database = database;
        SnapshotTs = snapshotTs;
        Catalog = catalog;
        Kind = kind;
        ReadSet = new ReadSet(database.Options.ReadSetRangesMax);
        Usage = new TransactionUsage(database.Options);
    }

    public Timestamp SnapshotTs { get; }

    public TransactionKind Kind { get; }

    public ReadSet ReadSet { get; }

    /// <summary>The catalog of the snapshot plus the tables this transaction created.</summary>
    public TableCatalog Catalog { get; private set; }

    public int RowsRead => Usage.RowsRead;

    public int WriteCount => _pending.Count;

    internal Database Database { get; }

    internal DatabaseOptions Options => Database.Options;

    internal TransactionUsage Usage { get; }

    internal IReadOnlyCollection<PendingWrite> PendingWrites => _pending.Values;

    /// <summary>Index entries written by an index backfill (not tied to a document change).</summary>
    internal IReadOnlyList<IndexWrite> BackfillEntries => _backfill;

    internal void AddBackfillEntry(IndexWrite entry)
    {
        Invariant.Assert(entry.Id is not null);
        _backfill.Add(entry);
    }

    /// <summary>C#: TLA+ Read (point). The document, or null if it does not exist at the snapshot.</summary>
    public async ValueTask<ConvexObject?> GetAsync(DocumentId id, CancellationToken cancellationToken)
    {
        EnsureOpen();
        var table = Catalog.FindTable(id.Table);
        if (table is null)
        {
            return null;
        }

        ReadSet.Add(table.ById, IndexKeys.PointById(id));
        if (Database.Runtime.Buggify.Fires())
        {
            await Task.Yield(); // let other transactions commit between this read and the next
        }

        var value = _pending.TryGetValue(id, out var write)
            ? write.New
            : (await Database.GetAsync(id, SnapshotTs, cancellationToken))?.Value;
        if (value is not null)
        {
            Usage.RecordRead(value);
        }

        return value;
    }

    /// <summary>C#: TLA+ Read (range). Opens a stream over an index range of a table.</summary>
    public IndexStream OpenStream(
        string tableName, string indexName, IndexRange range, ScanOrder order, int expectedRows = int.MaxValue)
    {
        EnsureOpen();
        var table = LookupTableForRead(tableName);
        if (table is null)
        {
            // Reading a table that does not exist yet yields nothing; the by-name read above makes
            // its creation invalidate this reader.
            return new IndexStream(this, SystemTables.TablesByName, new KeyRange([], []), order, []);
        }

        var index = Catalog.FindIndex(table.Number, indexName)
            ?? throw new DatabaseUsageException("IndexNotFound", $"Index {tableName}.{indexName} not found.");
        var keys = range.ToKeyRange(index);
        return new IndexStream(this, index, keys, order, _pending.Count == 0 ? [] : _pending.Values.ToList(), expectedRows);
    }

    /// <summary>Collects up to <paramref name="limit"/> documents of an index range.</summary>
    public async ValueTask<IReadOnlyList<ConvexObject>> QueryAsync(
        string tableName, string indexName, IndexRange range, ScanOrder order, int limit,
        CancellationToken cancellationToken)
    {
        Invariant.Assert(limit >= 0);
        var stream = OpenStream(tableName, indexName, range, order, limit);
        var result = new List<ConvexObject>();
        while (result.Count < limit && await stream.NextAsync(cancellationToken) is { } row)
        {
            result.Add(row.Document);
        }

        return result;
    }

    internal void MarkFinished()
    {
        Invariant.Assert(!_finished);
        _finished = true;
    }

    private void EnsureOpen()
    {
        if (_finished)
        {
            throw new DatabaseUsageException("TransactionFinished", "This transaction has already finished.");
        }
    }

    /// <summary>The table if it exists at the snapshot (or was created here); records the by-name read
    /// so that a later creation of the table invalidates this reader.</summary>
    private TableInfo? LookupTableForRead(string tableName)
    {
        var table = Catalog.FindTable(tableName);
        if (table is null)
        {
            ReadSet.Add(SystemTables.TablesByName.Id,
                KeyRange.Prefix(IndexKeyCodec.Encode([new ConvexString(tableName)])));
        }

        return table;
    }

    private double NextCreationTime()
    {
        var snapshotMs = SnapshotTs.Value / 1_000_000.0;
        var nowMs = Database.Runtime.UnixNanoseconds / 1_000_000.0;
        var next = Math.Max(Math.Max(snapshotMs, nowMs), Math.BitIncrement(_lastCreationTime));
        Invariant.Assert(next > _lastCreationTime);
        _lastCreationTime = next;
        return next;
    }
}
