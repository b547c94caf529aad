using Convex.Sim.Core.Values;
using static Convex.Sim.Functions.Tests.Corpus.TestBackend;

namespace Convex.Sim.Functions.Tests.Execution;

/// <summary>Every database syscall driven by the official library (tests/functions/convex/messages.ts).</summary>
public sealed class DatabaseSyscallTests
{
    private static async Task<string> SendAsync(Corpus.TestBackend backend, string author, string channel, string body, double? likes = null)
    {
        var args = Obj(("author", S(author)), ("body", S(body)), ("channel", S(channel)));
        if (likes is { } l)
        {
            args = args.With("likes", N(l));
        }

        var result = await backend.MutationAsync("messages:send", args);
        Assert.True(result.Succeeded, result.ErrorMessage);
        return ((ConvexString)result.Value!).Value;
    }

    private static IEnumerable<string> Bodies(ConvexValue? docs) =>
        Assert.IsType<ConvexArray>(docs).Items.Select(d => ((ConvexString)((ConvexObject)d)["body"]!).Value);

    [Fact]
    public async Task An_index_range_in_descending_order_with_take_returns_the_newest_first()
    {
        var backend = await StartAsync();
        foreach (var i in Enumerable.Range(1, 5))
        {
            await SendAsync(backend, "ada", "general", $"m{i}");
        }

        await SendAsync(backend, "ada", "random", "other channel");
        var result = await backend.QueryAsync("messages:list", Obj(("channel", S("general")), ("n", N(3))));
        Assert.True(result.Succeeded, result.ErrorMessage);
        Assert.Equal(["m5", "m4", "m3"], Bodies(result.Value));
        Assert.True(result.ReadSet!.Count >= 1);
    }

    [Fact]
    public async Task Collect_first_unique_and_count_read_what_was_written()
    {
        var backend = await StartAsync();
        await SendAsync(backend, "ada", "a", "one");
        await SendAsync(backend, "bob", "a", "two");
        await SendAsync(backend, "bob", "b", "three");

        Assert.Equal(["one", "two", "three"], Bodies((await backend.QueryAsync("messages:listAll")).Value));
        var first = await backend.QueryAsync("messages:first", Obj(("channel", S("a"))));
        Assert.Equal("one", ((ConvexString)((ConvexObject)first.Value!)["body"]!).Value);
        var none = await backend.QueryAsync("messages:first", Obj(("channel", S("zzz"))));
        Assert.Equal(ConvexNull.Instance, none.Value);
        var unique = await backend.QueryAsync("messages:unique", Obj(("author", S("bob")), ("channel", S("b"))));
        Assert.Equal("three", ((ConvexString)((ConvexObject)unique.Value!)["body"]!).Value);
        var count = await backend.QueryAsync("messages:countTable");
        Assert.Equal(3.0, ((ConvexFloat64)count.Value!).Value);
    }

    [Fact]
    public async Task Unique_fails_when_two_documents_match()
    {
        var backend = await StartAsync();
        await SendAsync(backend, "bob", "b", "x");
        await SendAsync(backend, "bob", "b", "y");
        var result = await backend.QueryAsync("messages:unique", Obj(("author", S("bob")), ("channel", S("b"))));
        Assert.Contains("unique() query returned more than one result", result.ErrorMessage);
    }

    [Fact]
    public async Task Filters_and_bounded_index_ranges_select_the_expected_documents()
    {
        var backend = await StartAsync();
        await SendAsync(backend, "ada", "a", "likes 10", 10);
        await SendAsync(backend, "bot", "a", "bot 10", 10);
        await SendAsync(backend, "ada", "b", "likes 1", 1);
        await SendAsync(backend, "ada", "c", "wrong channel", 50);
        await SendAsync(backend, "ada", "b", "no likes");
        // (likes + 1) * 2 - 1 > 5  <=>  likes > 2
        var filtered = await backend.QueryAsync("messages:filtered", Obj(("minScore", N(5))));
        Assert.True(filtered.Succeeded, filtered.ErrorMessage);
        Assert.Equal(["likes 10"], Bodies(filtered.Value));

        var range = await backend.QueryAsync("messages:byAuthorRange", Obj(("author", S("ada")), ("after", S("a")), ("before", S("c"))));
        Assert.True(range.Succeeded, range.ErrorMessage);
        Assert.Equal(["likes 1", "no likes"], Bodies(range.Value));
    }

    [Fact]
    public async Task Pages_cover_every_document_once_in_order()
    {
        var backend = await StartAsync();
        for (var i = 0; i < 7; i++)
        {
            await SendAsync(backend, "ada", "a", $"p{i}");
        }

        var seen = new List<string>();
        ConvexValue cursor = ConvexNull.Instance;
        for (var pages = 0; pages < 10; pages++)
        {
            var opts = Obj(("numItems", N(3)), ("cursor", cursor));
            var result = await backend.QueryAsync("messages:page", Obj(("paginationOpts", opts)));
            Assert.True(result.Succeeded, result.ErrorMessage);
            var page = (ConvexObject)result.Value!;
            seen.AddRange(Bodies(page["page"]));
            cursor = page["continueCursor"]!;
            if (page["isDone"] == ConvexBoolean.True)
            {
                break;
            }
        }

        Assert.Equal(["p0", "p1", "p2", "p3", "p4", "p5", "p6"], seen);
    }

    [Fact]
    public async Task A_cursor_from_another_query_is_an_InvalidCursor_error_with_pagination_data()
    {
        var backend = await StartAsync();
        var opts = Obj(("numItems", N(3)), ("cursor", S("not-a-cursor")));
        var result = await backend.QueryAsync("messages:page", Obj(("paginationOpts", opts)));
        Assert.Contains("InvalidCursor", result.ErrorMessage);
        var data = Assert.IsType<ConvexObject>(result.ErrorData);
        Assert.Equal("InvalidCursor", ((ConvexString)data["paginationError"]!).Value);
    }

    [Fact]
    public async Task Patch_replace_and_delete_change_the_document()
    {
        var backend = await StartAsync();
        var id = S(await SendAsync(backend, "ada", "a", "original", 3));
        var patched = await backend.MutationAsync("messages:update", Obj(("id", id), ("body", S("patched"))));
        Assert.Equal("patched", ((ConvexString)((ConvexObject)patched.Value!)["body"]!).Value);
        Assert.Equal(3.0, ((ConvexFloat64)((ConvexObject)patched.Value!)["likes"]!).Value);

        var cleared = await backend.MutationAsync("messages:clearLikes", Obj(("id", id)));
        Assert.Null(((ConvexObject)cleared.Value!)["likes"]);

        var replaced = await backend.MutationAsync("messages:replace", Obj(("id", id), ("author", S("bob")), ("body", S("new")), ("channel", S("z"))));
        var doc = (ConvexObject)replaced.Value!;
        Assert.Equal("bob", ((ConvexString)doc["author"]!).Value);
        Assert.Equal(id, doc["_id"]);

        var removed = await backend.MutationAsync("messages:remove", Obj(("id", id)));
        Assert.Equal(ConvexBoolean.True, removed.Value);
        Assert.Equal(ConvexNull.Instance, (await backend.QueryAsync("messages:get", Obj(("id", id)))).Value);
    }

    [Fact]
    public async Task An_int64_counter_survives_read_modify_write()
    {
        var backend = await StartAsync();
        await backend.MutationAsync("messages:increment", Obj(("name", S("c"))));
        var second = await backend.MutationAsync("messages:increment", Obj(("name", S("c")), ("by", new ConvexInt64(41))));
        Assert.True(second.Succeeded, second.ErrorMessage);
        Assert.Equal(42L, ((ConvexInt64)second.Value!).Value);
    }

    [Fact]
    public async Task NormalizeId_accepts_an_id_of_the_table_and_refuses_others()
    {
        var backend = await StartAsync();
        var id = await SendAsync(backend, "ada", "a", "x");
        Assert.Equal(S(id), (await backend.QueryAsync("messages:normalize", Obj(("table", S("messages")), ("id", S(id))))).Value);
        Assert.Equal(ConvexNull.Instance, (await backend.QueryAsync("messages:normalize", Obj(("table", S("counters")), ("id", S(id))))).Value);
        Assert.Equal(ConvexNull.Instance, (await backend.QueryAsync("messages:normalize", Obj(("table", S("messages")), ("id", S("garbage"))))).Value);
    }

    [Fact]
    public async Task Metadata_identity_and_snapshot_timestamp_are_answered()
    {
        var backend = await StartAsync();
        Assert.Equal(ConvexNull.Instance, (await backend.QueryAsync("messages:whoami")).Value);
        var meta = (ConvexObject)(await backend.QueryAsync("messages:functionMetadata")).Value!;
        Assert.Equal("messages:functionMetadata", ((ConvexString)meta["name"]!).Value);
        var ts = await backend.QueryAsync("messages:snapshotTs");
        Assert.Equal((long)ts.Ts.Value, ((ConvexInt64)ts.Value!).Value);
    }

    [Fact]
    public async Task Int64_bytes_and_special_floats_round_trip()
    {
        var backend = await StartAsync();
        var result = await backend.QueryAsync("messages:bigintsAndBytes", Obj(("big", new ConvexInt64(41)), ("bytes", new ConvexBytes([1, 2, 3]))));
        Assert.True(result.Succeeded, result.ErrorMessage);
        var value = (ConvexObject)result.Value!;
        Assert.Equal(42L, ((ConvexInt64)value["next"]!).Value);
        Assert.Equal(long.MinValue, ((ConvexInt64)value["min"]!).Value);
        Assert.Equal(new byte[] { 3, 2, 1 }, ((ConvexBytes)value["reversed"]!).Value.ToArray());

        var floats = (ConvexObject)(await backend.QueryAsync("messages:specialFloats")).Value!;
        Assert.True(double.IsNaN(((ConvexFloat64)floats["nan"]!).Value));
        Assert.True(double.IsNegative(((ConvexFloat64)floats["negZero"]!).Value));
        Assert.Equal(double.NegativeInfinity, ((ConvexFloat64)floats["negInf"]!).Value);
    }
}
