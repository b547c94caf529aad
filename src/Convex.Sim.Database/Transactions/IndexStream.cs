using Convex.Sim.Core;
using Convex.Sim.Core.Ids;
using Convex.Sim.Core.Values;
using Convex.Sim.Database.Catalog;
using Convex.Sim.Storage;

namespace Convex.Sim.Database.Transactions;

/// <summary>One document produced by an index stream, with its key in that index.</summary>
public sealed record IndexStreamRow(byte[] Key, DocumentId Id, ConvexObject Document);

/// <summary>
/// Iterates an index range at the transaction's snapshot, merged with the transaction's own writes
/// (as they were when the stream was opened). Pages are fetched from persistence lazily, so a
/// stream that stops early reads and records only the prefix it scanned: its read-set interval
/// grows with every row and becomes the whole range once the stream is exhausted.
/// </summary>
public sealed class IndexStream
{
    /// <summary>Shared by the streams of transactions without writes: empty, and only dequeued from when non-empty.</summary>
    private static readonly HashSet<DocumentId> NoIds = [];
    private static readonly Queue<IndexStreamRow> NoRows = new();

    private readonly Transaction _transaction;
    private readonly IndexInfo _index;
    private readonly KeyRange _range;
    private readonly ScanOrder _order;
    private readonly HashSet<DocumentId> _overridden;
    private readonly Queue<IndexStreamRow> _overlay;
    private readonly Queue<IndexStreamRow> _page = new();
    private readonly int _readHandle;
    private byte[]? _cursor;
    private bool _persistenceDone;
    private int _pageRows;

    internal IndexStream(
        Transaction transaction, IndexInfo index, KeyRange range, ScanOrder order, IReadOnlyList<PendingWrite> pending,
        int expectedRows = int.MaxValue)
    {
        // Start with a page just big enough for what the caller expects (take(10) reads 10 rows, not
        // a whole page), then double, up to the configured page size.
        _pageRows = Math.Clamp(expectedRows, 1, transaction.Options.ScanPageRows);
        _transaction = transaction;
        _index = index;
        _range = range;
        _order = order;
        // A read-only transaction (every query) has no writes to merge: skip building the overlay.
        _overridden = pending.Count == 0 ? NoIds : pending.Select(p => p.Id).ToHashSet();
        _overlay = pending.Count == 0 ? NoRows : new Queue<IndexStreamRow>(OverlayRows(index, range, order, pending));
        // Nothing scanned yet: an empty interval, widened as rows are produced.
        _readHandle = transaction.ReadSet.Add(index.Id, new KeyRange(range.Start, range.Start));
    }

    public bool IsDone { get; private set; }

    public async ValueTask<IndexStreamRow?> NextAsync(CancellationToken cancellationToken)
    {
        if (IsDone)
        {
            return null;
        }

        if (_page.Count == 0 && !_persistenceDone)
        {
            await FetchPageAsync(cancellationToken);
        }

        var row = TakeNext();
        if (row is null)
        {
            IsDone = true;
            _transaction.ReadSet.Widen(_readHandle, _range);
            return null;
        }

        _transaction.Usage.RecordRead(row.Document);
        _transaction.ReadSet.Widen(_readHandle, _order == ScanOrder.Ascending
            ? new KeyRange(_range.Start, KeySuccessor.Immediate(row.Key))
            : new KeyRange(row.Key, _range.End));
        return row;
    }

    private IndexStreamRow? TakeNext()
    {
        var fromPage = _page.Count > 0 ? _page.Peek() : null;
        var fromOverlay = _overlay.Count > 0 ? _overlay.Peek() : null;
        if (fromPage is null)
        {
            // NextAsync refills an empty page unless persistence is exhausted.
            Invariant.Assert(_persistenceDone);
            return fromOverlay is not null ? _overlay.Dequeue() : null;
        }

        if (fromOverlay is null)
        {
            return _page.Dequeue();
        }

        var c = fromPage.Key.AsSpan().SequenceCompareTo(fromOverlay.Key);
        var pageFirst = _order == ScanOrder.Ascending ? c < 0 : c > 0;
        Invariant.Assert(c != 0);
        return pageFirst ? _page.Dequeue() : _overlay.Dequeue();
    }

    private async ValueTask FetchPageAsync(CancellationToken cancellationToken)
    {
        while (_page.Count == 0 && !_persistenceDone)
        {
            if (_transaction.Database.Runtime.Buggify.Fires())
            {
                await Task.Yield(); // let other transactions run between two pages of one scan
            }

            var range = RemainingRange();
            var pageRows = _pageRows;
            _pageRows = Math.Min(_pageRows * 2, _transaction.Options.ScanPageRows);
            var rows = range.IsEmpty
                ? []
                : await _transaction.Database.ScanAsync(_index.Id, range, _transaction.SnapshotTs, _order, pageRows,
                    cancellationToken);
            _persistenceDone = rows.Count < pageRows;
            foreach (var row in rows)
            {
                _cursor = row.Key;
                if (!_overridden.Contains(row.Document.Id))
                {
                    _page.Enqueue(new IndexStreamRow(row.Key, row.Document.Id, row.Document.Value));
                }
            }
        }
    }

    private KeyRange RemainingRange()
    {
        if (_cursor is null)
        {
            return _range;
        }

        return _order == ScanOrder.Ascending
            ? new KeyRange(KeySuccessor.Immediate(_cursor), _range.End)
            : new KeyRange(_range.Start, _cursor);
    }

    private static IEnumerable<IndexStreamRow> OverlayRows(
        IndexInfo index, KeyRange range, ScanOrder order, IReadOnlyList<PendingWrite> pending)
    {
        var rows = new List<IndexStreamRow>();
        foreach (var write in pending)
        {
            if (write.New is null || write.Id.Table != index.Table)
            {
                continue;
            }

            var key = Indexing.IndexKeys.KeyOf(index, write.Id, write.New);
            if (range.Contains(key))
            {
                rows.Add(new IndexStreamRow(key, write.Id, write.New));
            }
        }

        rows.Sort((a, b) => a.Key.AsSpan().SequenceCompareTo(b.Key));
        if (order == ScanOrder.Descending)
        {
            rows.Reverse();
        }

        return rows;
    }
}
