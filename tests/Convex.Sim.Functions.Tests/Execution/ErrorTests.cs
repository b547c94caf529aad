using Convex.Sim.Core.Values;
using static Convex.Sim.Functions.Tests.Corpus.TestBackend;

namespace Convex.Sim.Functions.Tests.Execution;

/// <summary>What callers see when a function throws (convex-compat §4.5, §5.2).</summary>
public sealed class ErrorTests
{
    [Fact]
    public async Task A_ConvexError_carries_its_data_including_an_int64()
    {
        var backend = await StartAsync();
        var result = await backend.QueryAsync("messages:throwsConvexError");
        Assert.False(result.Succeeded);
        Assert.StartsWith("Uncaught ConvexError:", result.ErrorMessage);
        var data = Assert.IsType<ConvexObject>(result.ErrorData);
        Assert.Equal("NOPE", ((ConvexString)data["code"]!).Value);
        Assert.Equal(1L, ((ConvexInt64)data["n"]!).Value);
        Assert.Equal("""{"list":[1,"two",null]}""", ConvexJson.Encode(data["nested"]!));
        Assert.False(result.IsSystemError);
    }

    [Fact]
    public async Task A_plain_error_reads_Uncaught_Error_and_has_no_data()
    {
        var backend = await StartAsync();
        var result = await backend.QueryAsync("messages:throwsPlain");
        Assert.Equal("Uncaught Error: plain failure", result.ErrorMessage);
        Assert.Null(result.ErrorData);
    }

    [Fact]
    public async Task A_thrown_string_is_reported_as_is()
    {
        var backend = await StartAsync();
        var result = await backend.QueryAsync("messages:throwsString");
        Assert.Equal("Uncaught a string", result.ErrorMessage);
    }

    [Fact]
    public async Task A_mutation_that_throws_after_writing_commits_nothing()
    {
        var backend = await StartAsync();
        var result = await backend.MutationAsync("messages:throwsAfterWrite", Obj(("channel", S("rollback"))));
        Assert.False(result.Succeeded);
        var listed = await backend.QueryAsync("messages:listAll");
        Assert.True(listed.Succeeded, listed.ErrorMessage);
        Assert.Empty(Assert.IsType<ConvexArray>(listed.Value).Items);
    }

    [Fact]
    public async Task An_unknown_function_or_module_is_not_found()
    {
        var backend = await StartAsync();
        var missingExport = await backend.QueryAsync("messages:nope");
        var missingModule = await backend.QueryAsync("nowhere:list");
        var chunk = await backend.QueryAsync("_deps/EVCRMLF3:default");
        foreach (var result in new[] { missingExport, missingModule, chunk })
        {
            Assert.StartsWith("Could not find public function for '", result.ErrorMessage);
        }
    }

    [Fact]
    public async Task Running_a_function_as_the_wrong_kind_is_refused()
    {
        var backend = await StartAsync();
        var result = await backend.QueryAsync("messages:send", Obj(("author", S("a")), ("body", S("b")), ("channel", S("c"))));
        Assert.Equal("Function messages:send is registered as a mutation but is being run as a query", result.ErrorMessage);
    }

    [Fact]
    public async Task Console_output_becomes_log_lines_in_Convex_format()
    {
        var backend = await StartAsync();
        var result = await backend.QueryAsync("messages:logs");
        Assert.True(result.Succeeded, result.ErrorMessage);
        Assert.Equal("[LOG] log line { a: 1, nested: { b: [ 1, 2, 3 ] } }", result.LogLines[0]);
        Assert.Equal("[INFO] info line 42 true null", result.LogLines[1]);
        Assert.Equal("[WARN] warn line [ 'x', 'y' ]", result.LogLines[2]);
        Assert.StartsWith("[ERROR] error line Error: boom", result.LogLines[3]);
        Assert.Equal("[DEBUG] debug line { big: 5n }", result.LogLines[4]);
    }

    [Fact]
    public async Task Date_is_frozen_and_random_is_seeded_within_a_query()
    {
        var backend = await StartAsync();
        var result = await backend.QueryAsync("messages:dateAndRandom");
        Assert.True(result.Succeeded, result.ErrorMessage);
        var value = Assert.IsType<ConvexObject>(result.Value);
        Assert.Equal(ConvexBoolean.True, value["sameNow"]);
        Assert.NotEqual(value["r1"], value["r2"]);

        // The same seed gives the same random sequence to the same execution.
        var again = await (await StartAsync()).QueryAsync("messages:dateAndRandom");
        Assert.Equal(value["r1"], Assert.IsType<ConvexObject>(again.Value)["r1"]);
    }
}
