using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Convex.Sim.Database.Catalog;
using Convex.Sim.Database.Transactions;
using Convex.Sim.Storage;

namespace Convex.Sim.Database.Query;

/// <summary>How a stream is bounded: the cursor window and the per-page read limits of §7.6.</summary>
internal sealed record ScanBounds(
    QueryCursor? Start, QueryCursor? End, int? RowsReadMax, long? BytesReadMax, bool TrackSplitKeys, int ExpectedRows)
{
    public static readonly ScanBounds None = new(null, null, null, null, false, int.MaxValue);
}

/// <summary>
/// A per-page read limit (maximumRowsRead/maximumBytesRead) was reached. Only pagination sets those limits,
/// and it turns this into <c>pageStatus: "SplitRequired"</c>; the wording is the backend's.
/// </summary>
internal sealed class PaginationLimitException(string code, string message) : Core.ConvexException(code, message);

/// <summary>
/// The source of a query: the compiled index range restricted to the window (start cursor, end cursor],
/// scanned through an <see cref="IndexStream"/>, which records the read set as rows are produced, so only
/// the rows actually scanned (never a prefetched page) become dependencies.
/// State: <see cref="_lastKey"/> is the key of the last row produced (the resume position);
/// <see cref="_exhausted"/> is set once the window has no more rows, or from the start when the start
/// cursor is the end position.
/// </summary>
internal sealed class IndexScan
{
    private readonly CompiledQuery _query;
    private readonly ScanBounds _bounds;
    private readonly IndexStream? _stream;
    private readonly List<byte[]>? _splitKeys;
    private byte[]? _lastKey;
    private bool _exhausted;

    public IndexScan(Transaction transaction, CompiledQuery query, ScanBounds bounds)
    {
        _query = query;
        _bounds = bounds;
        _splitKeys = bounds.TrackSplitKeys ? [] : null;
        _exhausted = bounds.Start is { IsEnd: true };
        if (!_exhausted)
        {
            _stream = OpenStream(transaction, query, bounds);
        }

        Invariant.Assert(_exhausted || _stream is not null);
    }

    public int RowsRead { get; private set; }

    public long BytesRead { get; private set; }

    /// <summary>Where a query resuming from here continues: null if nothing was read and there was no start.</summary>
    public QueryCursor? Position
    {
        get
        {
            if (_exhausted)
            {
                return _bounds.End ?? QueryCursor.End(_query.Fingerprint);
            }

            return _lastKey is null ? _bounds.Start : QueryCursor.After(_query.Fingerprint, _lastKey);
        }
    }

    /// <summary>Roughly the middle of the rows scanned, for splitting a reactive page in two (null if tiny).</summary>
    public QueryCursor? SplitPosition =>
        _splitKeys is { Count: > 2 } keys ? QueryCursor.After(_query.Fingerprint, keys[keys.Count / 2]) : null;

    public async ValueTask<IndexStreamRow?> NextAsync(CancellationToken cancellationToken)
    {
        if (_exhausted)
        {
            return null;
        }

        CheckPageLimits();
        var row = await _stream!.NextAsync(cancellationToken);
        if (row is null)
        {
            _exhausted = true;
            return null;
        }

        if (_lastKey is not null)
        {
            // Rows come in strictly increasing (or decreasing) key order: the resume position only moves forward.
            var c = row.Key.AsSpan().SequenceCompareTo(_lastKey);
            Invariant.Assert(_query.Order == ScanOrder.Ascending ? c > 0 : c < 0);
        }

        _lastKey = row.Key;
        _splitKeys?.Add(row.Key);
        RowsRead++;
        BytesRead += ValueSize.Of(row.Document);
        return row;
    }

    /// <summary>
    /// The limits are checked before each row, never after, so a page always makes progress (at least one row).
    /// An explicit end cursor turns them off: that page must cover its whole window to stay gapless.
    /// </summary>
    private void CheckPageLimits()
    {
        if (_bounds.End is not null)
        {
            return;
        }

        if (_bounds.BytesReadMax is { } bytesMax && BytesRead >= bytesMax)
        {
            throw new PaginationLimitException("QueryScannedTooMuchDataError",
                $"Query scanned too much data (fetched {BytesRead} bytes).");
        }

        if (_bounds.RowsReadMax is { } rowsMax && RowsRead >= rowsMax)
        {
            throw new PaginationLimitException("QueryScannedTooManyDocumentsError",
                $"Query scanned too many documents (fetched {RowsRead}).");
        }
    }

    private static IndexStream OpenStream(Transaction transaction, CompiledQuery query, ScanBounds bounds)
    {
        if (query.Index is null)
        {
            // The table does not exist: the transaction yields nothing and records the by-name read, so the
            // table's creation invalidates this query.
            return transaction.OpenStream(query.TableName, IndexInfo.ByCreationTimeName, query.Range, query.Order);
        }

        var keys = Restrict(query.Range.ToKeyRange(query.Index), query.Order, bounds.Start, bounds.End);
        return new IndexStream(transaction, query.Index, keys, query.Order, [.. transaction.PendingWrites],
            bounds.ExpectedRows);
    }

    /// <summary>
    /// The part of <paramref name="range"/> strictly after the start cursor and up to and including the end
    /// cursor, in scan order. Ascending, "after K" is [K‖0x00, …); descending it is […, K). Working on bytes
    /// keeps resumption exact even when rows were inserted or deleted since the cursor was made.
    /// </summary>
    internal static KeyRange Restrict(KeyRange range, ScanOrder order, QueryCursor? start, QueryCursor? end)
    {
        var low = range.Start;
        var high = range.End;
        if (start is { IsEnd: false })
        {
            if (order == ScanOrder.Ascending)
            {
                low = Max(low, KeySuccessor.Immediate(start.AfterKey));
            }
            else
            {
                high = Min(high, start.AfterKey.ToArray());
            }
        }

        if (end is { IsEnd: false })
        {
            if (order == ScanOrder.Ascending)
            {
                high = Min(high, KeySuccessor.Immediate(end.AfterKey));
            }
            else
            {
                low = Max(low, end.AfterKey.ToArray());
            }
        }

        // Cursors outside the range (or an end before the start) leave nothing: an empty, well-formed range.
        var inverted = high is not null && low.AsSpan().SequenceCompareTo(high) > 0;
        return inverted ? new KeyRange(low, low) : new KeyRange(low, high);
    }

    private static byte[] Max(byte[] a, byte[] b) => a.AsSpan().SequenceCompareTo(b) >= 0 ? a : b;

    /// <summary>The smaller upper bound; null means unbounded.</summary>
    private static byte[]? Min(byte[]? a, byte[] b) => a is null || b.AsSpan().SequenceCompareTo(a) < 0 ? b : a;
}
