using System.Text;
using System.Text.Json;
using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Convex.Sim.Database.Errors;
using Convex.Sim.Database.Query;
using Convex.Sim.Database.Transactions;
using Convex.Sim.Functions.Syscalls;

namespace Convex.Sim.Functions.Execution;

/// <summary>
/// The open query iterators of one execution, by the ids the library holds
/// (<c>1.0/queryStream</c>, <c>queryStreamNext</c>, <c>queryCleanup</c>), and pagination
/// (<c>1.0/queryPage</c>, at most one per execution as in Convex).
/// </summary>
internal sealed class QueryStreams(Transaction transaction)
{
    private readonly Dictionary<int, QueryStream> _open = [];
    private int _nextId;
    private bool _paginated;

    /// <summary>
    /// The journal of the previous execution of this subscribed query (convex-compat §3.6.4): the end
    /// cursor its paginated query stopped at. A re-run without an explicit <c>endCursor</c> ends
    /// there instead of after <c>numItems</c>, so a page keeps its window and adjacent pages never
    /// gap or overlap while rows are inserted or deleted.
    /// </summary>
    public string? JournalIn { get; set; }

    /// <summary>The journal of this execution: the end cursor of its paginated query, if it ran one.</summary>
    public string? JournalOut { get; private set; }

    public string Open(SyscallArgs args)
    {
        var query = ParseQuery(args);
        var stream = QueryStream.Open(transaction, query);
        var id = _nextId++;
        _open[id] = stream;
        return $"{{\"queryId\":{id}}}";
    }

    public string Cleanup(SyscallArgs args) => _open.Remove(args.Int("queryId")) ? "true" : "false";

    public async ValueTask<string> NextAsync(SyscallArgs args, CancellationToken cancellationToken)
    {
        var id = args.Int("queryId");
        if (!_open.TryGetValue(id, out var stream))
        {
            throw new ConvexException("QueryNotFound", $"Query {id} is not open (it finished or was cleaned up)");
        }

        var document = await stream.NextAsync(cancellationToken);
        if (document is null)
        {
            _open.Remove(id);
            return "{\"value\":null,\"done\":true}";
        }

        return $"{{\"value\":{ConvexJson.Encode(document)},\"done\":false}}";
    }

    public async ValueTask<string> PageAsync(SyscallArgs args, CancellationToken cancellationToken)
    {
        if (_paginated)
        {
            throw new ConvexException("MultiplePaginatedDatabaseQueries",
                "This query or mutation function ran multiple paginated queries. Convex only supports a single paginated query in each function.");
        }

        _paginated = true;
        var query = ParseQuery(args);
        var request = new QueryPageRequest(
            args.OptionalString("cursor"),
            args.OptionalString("endCursor"),
            PageSize(args),
            (long?)args.OptionalNumber("maximumRowsRead"),
            (long?)args.OptionalNumber("maximumBytesRead"));
        QueryPageResult page;
        try
        {
            page = await PageWithJournalAsync(query, request, cancellationToken);
        }
        catch (DatabaseUsageException e) when (e.Code == QueryErrors.InvalidCursorCode)
        {
            // React's usePaginatedQuery resets on this data (convex-compat §4.6).
            throw new Hosting.NestedFunctionException(e.Message, ConvexObject.From([
                new("isConvexSystemError", ConvexBoolean.True),
                new("paginationError", new ConvexString("InvalidCursor")),
            ]));
        }

        JournalOut = page.ContinueCursor;
        return PageJson(page);
    }

    /// <summary>A journal whose cursor does not fit this query (the function changed) is ignored.</summary>
    private async ValueTask<QueryPageResult> PageWithJournalAsync(
        SerializedQuery query, QueryPageRequest request, CancellationToken cancellationToken)
    {
        if (request.EndCursor is null && JournalIn is { } journal)
        {
            try
            {
                return await QueryPager.QueryPageAsync(transaction, query, request with { EndCursor = journal }, cancellationToken);
            }
            catch (DatabaseUsageException e) when (e.Code == QueryErrors.InvalidCursorCode)
            {
                // Decoding the cursors comes before any read, so nothing was recorded.
            }
        }

        return await QueryPager.QueryPageAsync(transaction, query, request, cancellationToken);
    }

    public async ValueTask<string> CountAsync(SyscallArgs args, CancellationToken cancellationToken)
    {
        var table = args.String("table");
        var stream = QueryStream.Open(transaction, new SerializedQuery(new FullTableScanSource(table, Storage.ScanOrder.Ascending), []));
        var count = 0;
        while (await stream.NextAsync(cancellationToken) is not null)
        {
            count++;
        }

        return count.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static SerializedQuery ParseQuery(SyscallArgs args) => SerializedQuery.Parse(args.Element("query"));

    private static long PageSize(SyscallArgs args)
    {
        var size = args.OptionalNumber("pageSize") ?? throw SyscallErrors.BadArguments(args.Op, "missing argument `pageSize`");
        return double.IsInteger(size)
            ? (long)size
            : throw new ConvexException("InvalidPaginationLimit", $"numItems must be an integer, got {size}");
    }

    private static string PageJson(QueryPageResult page)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("page");
            foreach (var document in page.Page)
            {
                ConvexJson.Write(writer, document);
            }

            writer.WriteEndArray();
            writer.WriteBoolean("isDone", page.IsDone);
            writer.WriteString("continueCursor", page.ContinueCursor);
            writer.WriteString("splitCursor", page.SplitCursor);
            if (page.Status is { } status)
            {
                writer.WriteString("pageStatus", status.ToString());
            }
            else
            {
                writer.WriteNull("pageStatus");
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
