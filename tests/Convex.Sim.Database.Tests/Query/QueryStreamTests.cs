using Convex.Sim.Core.Values;
using Convex.Sim.Database.Errors;
using Convex.Sim.Database.Query;
using static Convex.Sim.Database.Tests.DatabaseFixture;
using static Convex.Sim.Database.Tests.Query.QueryFixture;

namespace Convex.Sim.Database.Tests.Query;

/// <summary>
/// Queries over a real database. The data: messages n=1..6 inserted in that order, with channels
/// a, b, a, b, a and none for n=6; index by_channel on [channel].
/// </summary>
public sealed class QueryStreamTests
{
    private static async Task<Database> SeedAsync()
    {
        var db = await OpenAsync();
        await db.CreateIndexAsync("messages", "by_channel", [FieldPath.Parse("channel")], Ct);
        await InsertAsync(db, "messages",
            Message(1, "a"), Message(2, "b"), Message(3, "a"), Message(4, "b"), Message(5, "a"), Message(6, null));
        return db;
    }

    [Fact]
    public async Task Full_table_scan_in_creation_order_both_ways()
    {
        var db = await SeedAsync();

        AssertNs([1, 2, 3, 4, 5, 6], (await CollectAsync(db.BeginReadOnly(), Scan())));
        AssertNs([1, 2, 3, 4, 5, 6], (await CollectAsync(db.BeginReadOnly(), Scan("\"asc\""))));
        AssertNs([6, 5, 4, 3, 2, 1], (await CollectAsync(db.BeginReadOnly(), Scan("\"desc\""))));
    }

    [Fact]
    public async Task Limit_takes_the_first_rows_and_reads_no_more()
    {
        var db = await SeedAsync();
        var tx = db.BeginReadOnly();

        AssertNs([1, 2, 3], (await CollectAsync(tx, Scan(operators: """{"limit":3}"""))));
        Assert.Equal(3, tx.RowsRead);
        AssertNs([6, 5], (await CollectAsync(db.BeginReadOnly(), Scan("\"desc\"", """{"limit":2}"""))));
    }

    [Fact]
    public async Task Limit_zero_reads_nothing()
    {
        var db = await SeedAsync();
        var tx = db.BeginReadOnly();

        Assert.Empty(await CollectAsync(tx, Scan(operators: """{"limit":0}""")));
        Assert.Equal(0, tx.RowsRead);
    }

    [Fact]
    public async Task Filter_keeps_matching_rows_but_every_scanned_row_is_read()
    {
        var db = await SeedAsync();
        var tx = db.BeginReadOnly();

        AssertNs([1, 3, 5], (await CollectAsync(tx, Scan(operators: ChannelIs("a")))));
        Assert.Equal(6, tx.RowsRead);
    }

    [Fact]
    public async Task A_limit_after_a_filter_counts_matching_rows()
    {
        var db = await SeedAsync();
        var tx = db.BeginReadOnly();

        AssertNs([1, 3], (await CollectAsync(tx, Scan(operators: ChannelIs("a") + """,{"limit":2}"""))));
        Assert.Equal(3, tx.RowsRead);
    }

    [Fact]
    public async Task A_limit_before_a_filter_counts_scanned_rows()
    {
        var db = await SeedAsync();
        var tx = db.BeginReadOnly();

        AssertNs([1], (await CollectAsync(tx, Scan(operators: """{"limit":2},""" + ChannelIs("a")))));
        Assert.Equal(2, tx.RowsRead);
    }

    [Fact]
    public async Task Limits_and_filters_interleave()
    {
        var db = await SeedAsync();

        // limit 5 → 1..5; filter a → 1,3,5; limit 2 → 1,3.
        var operators = """{"limit":5},""" + ChannelIs("a") + """,{"limit":2}""";
        AssertNs([1, 3], (await CollectAsync(db.BeginReadOnly(), Scan(operators: operators))));
        // filter b → 2,4; limit 1 → 2 (then stops before reading 3).
        var tx = db.BeginReadOnly();
        AssertNs([2], (await CollectAsync(tx, Scan(operators: ChannelIs("b") + """,{"limit":1}"""))));
        Assert.Equal(2, tx.RowsRead);
    }

    [Fact]
    public async Task Index_equality_in_both_orders()
    {
        var db = await SeedAsync();
        const string B = """{"type":"Eq","fieldPath":"channel","value":"b"}""";

        AssertNs([2, 4], (await CollectAsync(db.BeginReadOnly(), Range("by_channel", B))));
        AssertNs([4, 2], (await CollectAsync(db.BeginReadOnly(), Range("by_channel", B, "\"desc\""))));
    }

    [Fact]
    public async Task Index_equality_on_undefined_finds_documents_missing_the_field()
    {
        var db = await SeedAsync();

        var documents = await CollectAsync(db.BeginReadOnly(),
            Range("by_channel", """{"type":"Eq","fieldPath":"channel","value":{"$undefined":null}}"""));

        AssertNs([6], (documents));
    }

    [Fact]
    public async Task Index_bounds()
    {
        var db = await SeedAsync();

        AssertNs([2, 4], (await CollectAsync(db.BeginReadOnly(),
            Range("by_channel", """{"type":"Gt","fieldPath":"channel","value":"a"}"""))));
        AssertNs([1, 3, 5], (await CollectAsync(db.BeginReadOnly(), Range("by_channel",
            """{"type":"Gte","fieldPath":"channel","value":"a"},{"type":"Lte","fieldPath":"channel","value":"a"}"""))));
        // Missing sorts first, so everything below "b" is the missing one and the a's.
        AssertNs([6, 1, 3, 5], (await CollectAsync(db.BeginReadOnly(),
            Range("by_channel", """{"type":"Lt","fieldPath":"channel","value":"b"}"""))));
        AssertNs([5, 3, 1, 6], (await CollectAsync(db.BeginReadOnly(),
            Range("by_channel", """{"type":"Lt","fieldPath":"channel","value":"b"}""", "\"desc\""))));
    }

    [Fact]
    public async Task Range_on_creation_time()
    {
        var db = await SeedAsync();
        var all = await CollectAsync(db.BeginReadOnly(), Scan());
        var third = (ConvexFloat64)all[2]["_creationTime"]!;
        var bound = $$"""{"type":"Lt","fieldPath":"_creationTime","value":{{third.Value:R}}}""";

        AssertNs([1, 2], (await CollectAsync(db.BeginReadOnly(), Range("by_creation_time", bound))));
        var byChannel = """{"type":"Eq","fieldPath":"channel","value":"a"},""" +
            $$"""{"type":"Gte","fieldPath":"_creationTime","value":{{third.Value:R}}}""";
        AssertNs([3, 5], (await CollectAsync(db.BeginReadOnly(), Range("by_channel", byChannel))));
    }

    [Fact]
    public async Task The_transaction_sees_its_own_writes()
    {
        var db = await SeedAsync();
        var tx = db.BeginTransaction();
        await tx.InsertAsync("messages", Message(7, "a"), Ct);

        AssertNs([1, 3, 5, 7], (await CollectAsync(tx, Scan(operators: ChannelIs("a")))));
        AssertNs([7, 5, 3, 1], (await CollectAsync(tx,
            Range("by_channel", """{"type":"Eq","fieldPath":"channel","value":"a"}""", "\"desc\""))));
    }

    [Fact]
    public async Task A_missing_table_is_empty_for_a_scan()
    {
        var db = await SeedAsync();

        Assert.Empty(await CollectAsync(db.BeginReadOnly(),
            """{"source":{"type":"FullTableScan","tableName":"nothing","order":null},"operators":[]}"""));
    }

    [Fact]
    public async Task An_unknown_index_is_a_developer_error_when_the_query_is_opened()
    {
        var db = await SeedAsync();
        var tx = db.BeginReadOnly();

        var onTable = Assert.Throws<DatabaseUsageException>(() =>
            QueryStream.Open(tx, SerializedQuery.Parse(Range("by_author", ""))));
        var noTable = Assert.Throws<DatabaseUsageException>(() => QueryStream.Open(tx, SerializedQuery.Parse(
            """{"source":{"type":"IndexRange","indexName":"nothing.by_x","range":[],"order":null},"operators":[]}""")));

        Assert.Equal("IndexNotFoundError", onTable.Code);
        Assert.Equal("Index messages.by_author not found.", onTable.Message);
        Assert.Equal("Index nothing.by_x not found.", noTable.Message);
    }

    [Fact]
    public async Task Range_errors_are_thrown_when_the_query_is_opened()
    {
        var db = await SeedAsync();

        var error = Assert.Throws<DatabaseUsageException>(() => QueryStream.Open(db.BeginReadOnly(),
            SerializedQuery.Parse(Range("by_channel", """{"type":"Eq","fieldPath":"n","value":1}"""))));

        Assert.Equal("FieldNotInIndex", error.Code);
    }

    [Fact]
    public async Task Search_and_by_id_are_not_supported_yet()
    {
        var db = await SeedAsync();
        var tx = db.BeginReadOnly();

        var search = Assert.Throws<DatabaseUsageException>(() => QueryStream.Open(tx, SerializedQuery.Parse(
            """{"source":{"type":"Search","indexName":"messages.search",""" +
            """ "filters":[{"type":"Search","fieldPath":"body","value":"hi"}]},"operators":[]}""")));
        var byId = Assert.Throws<DatabaseUsageException>(() =>
            QueryStream.Open(tx, SerializedQuery.Parse(Range("by_id", ""))));

        Assert.Equal("QueryNotSupported", search.Code);
        Assert.Contains("Full-text search", search.Message);
        Assert.Equal("QueryNotSupported", byId.Code);
    }

    [Fact]
    public async Task A_filter_error_surfaces_from_next()
    {
        var db = await SeedAsync();
        var stream = QueryStream.Open(db.BeginReadOnly(),
            SerializedQuery.Parse(Scan(operators: """{"filter":{"$field":"n"}}""")));

        var error = await Assert.ThrowsAsync<DatabaseUsageException>(() => stream.NextAsync(Ct).AsTask());
        Assert.Equal("EvalError", error.Code);
    }

    [Fact]
    public async Task Only_the_scanned_prefix_becomes_a_dependency()
    {
        var db = await SeedAsync();
        var tx = db.BeginReadOnly();
        var firstTwo = await CollectAsync(tx, Scan(operators: """{"limit":2}"""));

        await InsertAsync(db, "messages", Message(7, "a"));
        var afterInsert = db.LatestTs;
        await DeleteAsync(db, Core.Ids.DocumentIdCodec.Decode(Str(firstTwo[0], "_id")));

        Assert.False(db.ChangedBetween(tx.ReadSet, tx.SnapshotTs, afterInsert));
        Assert.True(db.ChangedBetween(tx.ReadSet, afterInsert, db.LatestTs));
    }
}
