using Convex.Sim.Core.Values;
using Convex.Sim.Database.Errors;
using Convex.Sim.Database.Query;
using static Convex.Sim.Database.Tests.DatabaseFixture;
using static Convex.Sim.Database.Tests.Query.QueryFixture;

namespace Convex.Sim.Database.Tests.Query;

/// <summary>
/// paginate() (convex-compat §7.6). The data: messages n=1..6 inserted in that order with channels
/// a, b, a, b, a and none; index by_n on [n].
/// </summary>
public sealed class QueryPagerTests
{
    private static readonly string ByN = Range("by_n", "");

    private static async Task<(Database Db, List<Core.Ids.DocumentId> Ids)> SeedAsync()
    {
        var db = await OpenAsync();
        await db.CreateIndexAsync("messages", "by_n", [FieldPath.Parse("n")], Ct);
        var ids = await InsertAsync(db, "messages",
            Message(1, "a"), Message(2, "b"), Message(3, "a"), Message(4, "b"), Message(5, "a"), Message(6, null));
        return (db, ids);
    }

    [Fact]
    public async Task Pages_walk_the_query_and_only_an_observed_end_is_done()
    {
        var (db, _) = await SeedAsync();

        var first = await PageAsync(db.BeginReadOnly(), Scan(), null, 2);
        var second = await PageAsync(db.BeginReadOnly(), Scan(), first.ContinueCursor, 2);
        var third = await PageAsync(db.BeginReadOnly(), Scan(), second.ContinueCursor, 2);
        var fourth = await PageAsync(db.BeginReadOnly(), Scan(), third.ContinueCursor, 2);

        AssertNs([1, 2], first.Page);
        AssertNs([3, 4], second.Page);
        AssertNs([5, 6], third.Page);
        Assert.Empty(fourth.Page);
        Assert.Equal([false, false, false, true], new[] { first, second, third, fourth }.Select(p => p.IsDone));
        Assert.True(QueryCursor.Decode(fourth.ContinueCursor).IsEnd);
        Assert.Null(first.Status);
        Assert.Null(first.SplitCursor);
    }

    [Fact]
    public async Task A_page_that_sees_the_end_is_done()
    {
        var (db, _) = await SeedAsync();

        var first = await PageAsync(db.BeginReadOnly(), Scan(), null, 4);
        var second = await PageAsync(db.BeginReadOnly(), Scan(), first.ContinueCursor, 4);

        AssertNs([1, 2, 3, 4], first.Page);
        Assert.False(first.IsDone);
        AssertNs([5, 6], second.Page);
        Assert.True(second.IsDone);
    }

    [Fact]
    public async Task Descending_pages()
    {
        var (db, _) = await SeedAsync();
        var query = Range("by_n", "", "\"desc\"");

        var first = await PageAsync(db.BeginReadOnly(), query, null, 4);
        var second = await PageAsync(db.BeginReadOnly(), query, first.ContinueCursor, 4);

        AssertNs([6, 5, 4, 3], first.Page);
        AssertNs([2, 1], second.Page);
        Assert.True(second.IsDone);
    }

    [Fact]
    public async Task Filtered_pages_count_matching_rows_and_resume_after_the_last_scanned_row()
    {
        var (db, _) = await SeedAsync();
        var query = Scan(operators: ChannelIs("a"));

        var first = await PageAsync(db.BeginReadOnly(), query, null, 2);
        var second = await PageAsync(db.BeginReadOnly(), query, first.ContinueCursor, 2);

        AssertNs([1, 3], first.Page);
        AssertNs([5], second.Page);
        Assert.True(second.IsDone);
    }

    [Fact]
    public async Task Writes_between_pages_cause_no_duplicates_and_no_gaps()
    {
        var (db, ids) = await SeedAsync();
        var first = await PageAsync(db.BeginReadOnly(), ByN, null, 2);

        await DeleteAsync(db, ids[1]);                      // n=2: the row the cursor points after
        await DeleteAsync(db, ids[3]);                      // n=4: not read yet
        await InsertAsync(db, "messages", Message(0, "x"), Message(2, "y"), Message(3, "z"), Message(10, "w"));
        var second = await PageAsync(db.BeginReadOnly(), ByN, first.ContinueCursor, 2);
        var third = await PageAsync(db.BeginReadOnly(), ByN, second.ContinueCursor, 10);

        AssertNs([1, 2], first.Page);
        // The new n=2 sorts after the old n=2 (later creation time), so it is after the cursor; n=0 is before it.
        Assert.Equal(["y", "a"], second.Page.Select(d => Str(d, "channel")));
        AssertNs([2, 3], second.Page);
        AssertNs([3, 5, 6, 10], third.Page);
        Assert.True(third.IsDone);
    }

    [Fact]
    public async Task An_end_cursor_returns_the_whole_window_and_ignores_the_page_size()
    {
        var (db, _) = await SeedAsync();
        var first = await PageAsync(db.BeginReadOnly(), ByN, null, 2);
        var second = await PageAsync(db.BeginReadOnly(), ByN, first.ContinueCursor, 2);

        await InsertAsync(db, "messages", Message(3, "again"), Message(4, "again"), Message(5, "outside"));
        var again = await PageAsync(db.BeginReadOnly(), ByN, first.ContinueCursor, 1, second.ContinueCursor);

        AssertNs([3, 4], second.Page);
        AssertNs([3, 3, 4], again.Page);
        Assert.Equal(second.ContinueCursor, again.ContinueCursor);
        Assert.False(again.IsDone);
    }

    [Fact]
    public async Task An_end_cursor_at_the_end_reads_everything_left()
    {
        var (db, _) = await SeedAsync();
        var first = await PageAsync(db.BeginReadOnly(), ByN, null, 6);
        var last = await PageAsync(db.BeginReadOnly(), ByN, first.ContinueCursor, 6);
        Assert.True(last.IsDone);

        await InsertAsync(db, "messages", Message(7, null), Message(8, null));
        var again = await PageAsync(db.BeginReadOnly(), ByN, null, 1, last.ContinueCursor);

        AssertNs([1, 2, 3, 4, 5, 6, 7, 8], again.Page);
        Assert.True(again.IsDone);
        Assert.Equal(last.ContinueCursor, again.ContinueCursor);
    }

    [Fact]
    public async Task Starting_at_the_end_is_an_empty_done_page()
    {
        var (db, _) = await SeedAsync();
        var first = await PageAsync(db.BeginReadOnly(), ByN, null, 10);
        var tx = db.BeginReadOnly();

        var after = await PageAsync(tx, ByN, first.ContinueCursor, 10);

        Assert.True(first.IsDone);
        Assert.Empty(after.Page);
        Assert.True(after.IsDone);
        Assert.Equal(0, tx.RowsRead);
    }

    [Fact]
    public async Task Maximum_rows_read_cuts_the_page_and_requires_a_split()
    {
        var (db, _) = await SeedAsync();
        var query = Scan(operators: ChannelIs("none"));

        var first = await PageAsync(db.BeginReadOnly(), query, null, 10, maximumRowsRead: 4);
        var second = await PageAsync(db.BeginReadOnly(), query, first.ContinueCursor, 10, maximumRowsRead: 4);

        Assert.Empty(first.Page);
        Assert.Equal(PageStatus.SplitRequired, first.Status);
        Assert.False(first.IsDone);
        Assert.Empty(second.Page);
        Assert.Null(second.Status);
        Assert.True(second.IsDone);
    }

    [Fact]
    public async Task Maximum_rows_read_with_matching_rows()
    {
        var (db, _) = await SeedAsync();

        var first = await PageAsync(db.BeginReadOnly(), ByN, null, 10, maximumRowsRead: 2);
        var second = await PageAsync(db.BeginReadOnly(), ByN, first.ContinueCursor, 10, maximumRowsRead: 2);

        AssertNs([1, 2], first.Page);
        Assert.Equal(PageStatus.SplitRequired, first.Status);
        AssertNs([3, 4], second.Page);
    }

    [Fact]
    public async Task Maximum_bytes_read_lets_at_least_one_row_through()
    {
        var (db, _) = await SeedAsync();

        var page = await PageAsync(db.BeginReadOnly(), ByN, null, 10, maximumBytesRead: 1);

        AssertNs([1], page.Page);
        Assert.Equal(PageStatus.SplitRequired, page.Status);
    }

    [Fact]
    public async Task An_end_cursor_disables_the_read_limits()
    {
        var (db, _) = await SeedAsync();
        var first = await PageAsync(db.BeginReadOnly(), ByN, null, 5);

        var again = await PageAsync(db.BeginReadOnly(), ByN, null, 1, first.ContinueCursor, maximumRowsRead: 1);

        AssertNs([1, 2, 3, 4, 5], again.Page);
        // Not cut short; but 5 rows is over 3/4 of the limit, so (as in the backend) a split is recommended.
        Assert.Equal(PageStatus.SplitRecommended, again.Status);
    }

    [Fact]
    public async Task Approaching_the_row_limit_recommends_a_split()
    {
        var (db, _) = await SeedAsync();

        // 4 rows scanned > 3/4 of maximumRowsRead 5.
        var page = await PageAsync(db.BeginReadOnly(), ByN, null, 4, maximumRowsRead: 5);

        AssertNs([1, 2, 3, 4], page.Page);
        Assert.Equal(PageStatus.SplitRecommended, page.Status);
    }

    [Fact]
    public async Task The_split_cursor_divides_the_page()
    {
        var (db, _) = await SeedAsync();
        var page = await PageAsync(db.BeginReadOnly(), ByN, null, 6);
        Assert.NotNull(page.SplitCursor);

        var head = await PageAsync(db.BeginReadOnly(), ByN, null, 1, page.SplitCursor);
        var tail = await PageAsync(db.BeginReadOnly(), ByN, page.SplitCursor, 1, page.ContinueCursor);

        AssertNs([1, 2, 3, 4], head.Page);
        AssertNs([5, 6], tail.Page);
        Assert.Null((await PageAsync(db.BeginReadOnly(), ByN, null, 2)).SplitCursor);
    }

    [Fact]
    public async Task A_cursor_of_another_query_is_rejected()
    {
        var (db, _) = await SeedAsync();
        var page = await PageAsync(db.BeginReadOnly(), Scan(), null, 2);

        var error = await Assert.ThrowsAsync<DatabaseUsageException>(() =>
            PageAsync(db.BeginReadOnly(), Scan(operators: ChannelIs("a")), page.ContinueCursor, 2));

        Assert.Equal("InvalidCursor", error.Code);
        Assert.Equal("InvalidCursor: Tried to run a query starting from a cursor, but it looks like this cursor " +
            "is from a different query.", error.Message);
        var asEnd = await Assert.ThrowsAsync<DatabaseUsageException>(() =>
            PageAsync(db.BeginReadOnly(), ByN, null, 2, page.ContinueCursor));
        Assert.Equal("InvalidCursor", asEnd.Code);
    }

    [Fact]
    public async Task A_null_order_and_asc_are_the_same_query()
    {
        var (db, _) = await SeedAsync();
        var page = await PageAsync(db.BeginReadOnly(), Scan("null"), null, 2);

        var next = await PageAsync(db.BeginReadOnly(), Scan("\"asc\""), page.ContinueCursor, 2);

        AssertNs([3, 4], next.Page);
    }

    [Theory]
    [InlineData("garbage!!")]
    [InlineData("")]
    [InlineData("AQE")]
    public async Task Garbage_cursors_are_rejected(string cursor)
    {
        var (db, _) = await SeedAsync();

        var error = await Assert.ThrowsAsync<DatabaseUsageException>(() =>
            PageAsync(db.BeginReadOnly(), Scan(), cursor, 2));

        Assert.Equal("InvalidCursor", error.Code);
        Assert.StartsWith("InvalidCursor:", error.Message);
    }

    [Fact]
    public async Task Page_size_and_limits_are_validated()
    {
        var (db, _) = await SeedAsync();

        var zero = await Assert.ThrowsAsync<DatabaseUsageException>(() =>
            PageAsync(db.BeginReadOnly(), Scan(), null, 0));
        var large = await Assert.ThrowsAsync<DatabaseUsageException>(() =>
            PageAsync(db.BeginReadOnly(), Scan(), null, 32_001));
        var rows = await Assert.ThrowsAsync<DatabaseUsageException>(() =>
            PageAsync(db.BeginReadOnly(), Scan(), null, 1, maximumRowsRead: 0));
        var bytes = await Assert.ThrowsAsync<DatabaseUsageException>(() =>
            PageAsync(db.BeginReadOnly(), Scan(), null, 1, maximumBytesRead: 0));

        Assert.Equal("NoDocumentsForPagination", zero.Code);
        Assert.Equal("Must request at least 1 document while paginating", zero.Message);
        Assert.Equal("PageSizeTooLarge", large.Code);
        Assert.Equal("Requested too many items: 32001", large.Message);
        Assert.Equal("InvalidPaginationLimit", rows.Code);
        Assert.Equal("InvalidPaginationLimit", bytes.Code);
        AssertNs([1, 2, 3, 4, 5, 6], (await PageAsync(db.BeginReadOnly(), Scan(), null, 32_000)).Page);
    }

    [Fact]
    public async Task A_missing_table_pages_as_empty_and_done()
    {
        var db = await OpenAsync();

        var page = await PageAsync(db.BeginReadOnly(), Scan(), null, 5);

        Assert.Empty(page.Page);
        Assert.True(page.IsDone);
    }

    [Fact]
    public async Task A_page_with_an_end_cursor_depends_only_on_its_window()
    {
        var (db, _) = await SeedAsync();
        var first = await PageAsync(db.BeginReadOnly(), ByN, null, 2);
        var second = await PageAsync(db.BeginReadOnly(), ByN, first.ContinueCursor, 2);
        var tx = db.BeginReadOnly();
        await PageAsync(tx, ByN, first.ContinueCursor, 2, second.ContinueCursor);

        // The window is (after old n=2, up to old n=4]. A new n=4 sorts after the old one (later creation
        // time), so it is outside; a new n=2 would be inside.
        await InsertAsync(db, "messages", Message(4, "outside"), Message(1, "outside"), Message(9, "outside"));
        var outside = db.LatestTs;
        await InsertAsync(db, "messages", Message(3, "inside"));

        Assert.False(db.ChangedBetween(tx.ReadSet, tx.SnapshotTs, outside));
        Assert.True(db.ChangedBetween(tx.ReadSet, outside, db.LatestTs));
    }

    [Fact]
    public async Task A_limit_operator_ends_each_page_without_reaching_the_end()
    {
        var (db, _) = await SeedAsync();
        var query = Scan(operators: """{"limit":3}""");

        var first = await PageAsync(db.BeginReadOnly(), query, null, 10);
        var second = await PageAsync(db.BeginReadOnly(), query, first.ContinueCursor, 10);
        var zero = await Assert.ThrowsAsync<DatabaseUsageException>(() =>
            PageAsync(db.BeginReadOnly(), Scan(operators: """{"limit":0}"""), null, 10));

        AssertNs([1, 2, 3], first.Page);
        Assert.False(first.IsDone);
        AssertNs([4, 5, 6], second.Page);
        Assert.False(second.IsDone);
        Assert.Equal("InvalidQuery", zero.Code);
    }
}
