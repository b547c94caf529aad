using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Convex.Sim.Database.Errors;
using Convex.Sim.Database.Transactions;

namespace Convex.Sim.Database.Query;

/// <summary>
/// <c>paginate()</c> (convex-compat §7.6). A page is the query's rows strictly after the start cursor: up to
/// and including the end cursor when there is one (ignoring the page size, so a re-executed page keeps its
/// window even when rows were inserted into it), otherwise the next <c>PageSize</c> rows. The continue cursor
/// is the position after the last row scanned (filtered-out rows included) or "end" when the range ran out;
/// <c>isDone</c> is exactly "continue cursor is end", so a page that happens to take the last rows without
/// seeing the end is followed by an empty, done page. Positions are index keys, so no row is returned twice
/// or skipped across pages, whatever was written in between.
/// </summary>
public static class QueryPager
{
    /// <summary>The backend recommends a split above 3/4 of the largest array a function may return (8192).</summary>
    private const int PageLengthSoftMax = ValueLimits.ArrayLengthMax * 3 / 4;

    public static async ValueTask<QueryPageResult> QueryPageAsync(
        Transaction transaction, SerializedQuery query, QueryPageRequest request, CancellationToken cancellationToken)
    {
        var rowsMax = transaction.Options.RowsReadPerTransactionMax;
        Validate(request, rowsMax);
        var compiled = CompiledQuery.Compile(query, transaction.Catalog);
        var start = request.Cursor is null ? null : QueryCursor.DecodeFor(request.Cursor, compiled.Fingerprint);
        var end = request.EndCursor is null ? null : QueryCursor.DecodeFor(request.EndCursor, compiled.Fingerprint);
        var pageSize = (int)request.PageSize;
        var bounds = new ScanBounds(start, end, Clamp(request.MaximumRowsRead), request.MaximumBytesRead,
            TrackSplitKeys: true, QueryStream.ExpectedRows(query, end is null ? pageSize : int.MaxValue));
        var stream = QueryStream.Open(transaction, compiled, bounds);

        var page = new List<ConvexObject>();
        PageStatus? status = null;
        while (end is not null || page.Count < pageSize)
        {
            ConvexObject? document;
            try
            {
                document = await stream.NextAsync(cancellationToken);
            }
            catch (PaginationLimitException)
            {
                status = PageStatus.SplitRequired;
                break;
            }

            if (document is null)
            {
                break;
            }

            page.Add(document);
        }

        status ??= IsApproachingLimits(stream.Scan, request, transaction.Options) || page.Count > PageLengthSoftMax
            ? PageStatus.SplitRecommended
            : null;
        // Null only when nothing was scanned from the very beginning without reaching the end: the page size
        // is at least 1 and the read limits let one row through, so only a limit(0) operator does that. The
        // backend fails there too (with an internal error); there is no position to continue from.
        var position = end ?? stream.Scan.Position
            ?? throw QueryErrors.InvalidQuery("paginate() cannot be used on a query with limit(0)");
        Invariant.Assert(position.Fingerprint == compiled.Fingerprint);
        var split = stream.Scan.SplitPosition?.Encode();
        return new QueryPageResult(page, position.IsEnd, position.Encode(), split, status);
    }

    private static void Validate(QueryPageRequest request, int rowsMax)
    {
        if (request.PageSize <= 0)
        {
            throw new DatabaseUsageException("NoDocumentsForPagination",
                "Must request at least 1 document while paginating");
        }

        if (request.PageSize > rowsMax)
        {
            throw new DatabaseUsageException("PageSizeTooLarge", $"Requested too many items: {request.PageSize}");
        }

        if (request.MaximumRowsRead <= 0 || request.MaximumBytesRead <= 0)
        {
            throw new DatabaseUsageException("InvalidPaginationLimit",
                "maximumRowsRead and maximumBytesRead must be greater than 0");
        }
    }

    /// <summary>The backend's soft limit: over 3/4 of the page's (or else the transaction's) read limits.</summary>
    private static bool IsApproachingLimits(IndexScan scan, QueryPageRequest request, DatabaseOptions options)
    {
        var rowsMax = Math.Min(request.MaximumRowsRead ?? options.RowsReadPerTransactionMax,
            options.RowsReadPerTransactionMax);
        var bytesMax = Math.Min(request.MaximumBytesRead ?? options.BytesReadPerTransactionMax,
            options.BytesReadPerTransactionMax);
        return scan.RowsRead > rowsMax * 3 / 4 || scan.BytesRead > bytesMax * 3 / 4;
    }

    /// <summary>Rows beyond int.MaxValue can never be read by one transaction anyway.</summary>
    private static int? Clamp(long? rows) => rows is null ? null : (int)Math.Min(rows.Value, int.MaxValue);
}
