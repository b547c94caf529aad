using Convex.Sim.Core.Ids;
using Convex.Sim.Core.Values;
using Convex.Sim.Database.Query;
using Convex.Sim.Database.Transactions;
using static Convex.Sim.Database.Tests.DatabaseFixture;

namespace Convex.Sim.Database.Tests.Query;

/// <summary>Helpers for query tests over a real database (in-memory persistence, production runtime).</summary>
internal static class QueryFixture
{
    /// <summary>Inserts the documents in order, one transaction each, so creation order is insertion order.</summary>
    public static async Task<List<DocumentId>> InsertAsync(Database db, string table, params ConvexObject[] documents)
    {
        var ids = new List<DocumentId>();
        foreach (var document in documents)
        {
            var tx = db.BeginTransaction();
            ids.Add(await tx.InsertAsync(table, document, Ct));
            await db.CommitAsync(tx, Ct);
        }

        return ids;
    }

    public static async Task DeleteAsync(Database db, DocumentId id)
    {
        var tx = db.BeginTransaction();
        await tx.DeleteAsync(id, Ct);
        await db.CommitAsync(tx, Ct);
    }

    /// <summary>A message { n: Int64, channel? }.</summary>
    public static ConvexObject Message(long n, string? channel) => channel is null
        ? Doc(("n", I(n)))
        : Doc(("n", I(n)), ("channel", S(channel)));

    public static async Task<List<ConvexObject>> CollectAsync(Transaction tx, string queryJson)
    {
        var stream = QueryStream.Open(tx, SerializedQuery.Parse(queryJson));
        var result = new List<ConvexObject>();
        while (await stream.NextAsync(Ct) is { } document)
        {
            result.Add(document);
        }

        // A finished stream stays finished.
        Assert.Null(await stream.NextAsync(Ct));
        return result;
    }

    public static Task<QueryPageResult> PageAsync(
        Transaction tx, string queryJson, string? cursor, long pageSize, string? endCursor = null,
        long? maximumRowsRead = null, long? maximumBytesRead = null) =>
        QueryPager.QueryPageAsync(tx, SerializedQuery.Parse(queryJson),
            new QueryPageRequest(cursor, endCursor, pageSize, maximumRowsRead, maximumBytesRead), Ct).AsTask();

    public static void AssertNs(long[] expected, IEnumerable<ConvexObject> documents) =>
        Assert.Equal(expected, Ns(documents));

    public static long[] Ns(IEnumerable<ConvexObject> documents) => documents.Select(d => Int(d, "n")).ToArray();

    public static string Scan(string order = "null", string operators = "") =>
        $$"""{"source":{"type":"FullTableScan","tableName":"messages","order":{{order}}},""" +
        $$"""  "operators":[{{operators}}]}""";

    public static string Range(string index, string range, string order = "null", string operators = "") =>
        $$"""{"source":{"type":"IndexRange","indexName":"messages.{{index}}","range":[{{range}}],""" +
        $$"""  "order":{{order}}},"operators":[{{operators}}]}""";

    public static string ChannelIs(string channel) =>
        $$$"""{"filter":{"$eq":[{"$field":"channel"},{"$literal":"{{{channel}}}"}]}}""";
}
