using Convex.Sim.Core.Values;
using Convex.Sim.Functions.Execution;
using Convex.Sim.Functions.Hosting;
using static Convex.Sim.Functions.Tests.Corpus.TestBackend;

namespace Convex.Sim.Functions.Tests.Execution;

/// <summary>
/// Hostile or broken code ends the one function with a clear error; the runner keeps serving and
/// stored data stays intact (tests/functions/convex/hostile.ts).
/// </summary>
public sealed class HostileCodeTests
{
    private static readonly FunctionRunnerOptions Fast = new()
    {
        UdfLimits = new ExecutionLimits { UserTime = null, Statements = 2_000_000 },
    };

    [Theory]
    [InlineData("hostile:infiniteLoop")]
    [InlineData("hostile:busyAwaitLoop")]
    public async Task An_infinite_loop_is_stopped_by_the_statement_budget(string path)
    {
        var backend = await StartAsync(Fast);
        var result = await backend.QueryAsync(path);
        Assert.Contains("statements", result.ErrorMessage);
        await AssertStillServesAsync(backend);
    }

    [Fact]
    public async Task An_infinite_loop_is_stopped_by_the_user_time_deadline()
    {
        var backend = await StartAsync(new FunctionRunnerOptions
        {
            UdfLimits = new ExecutionLimits { UserTime = TimeSpan.FromMilliseconds(200) },
        });
        var result = await backend.QueryAsync("hostile:infiniteLoop");
        Assert.Equal("Function execution timed out (maximum duration: 0.2s)", result.ErrorMessage);
        await AssertStillServesAsync(backend);
    }

    [Fact]
    public async Task A_mutation_stopped_by_a_limit_commits_nothing()
    {
        var backend = await StartAsync(Fast);
        var result = await backend.MutationAsync("hostile:infiniteLoopMutation");
        Assert.False(result.Succeeded);
        var scratch = await backend.Database.BeginReadOnly().QueryAsync(
            "scratch", "by_creation_time", Database.Indexing.IndexRange.All, Storage.ScanOrder.Ascending, 10, Ct);
        Assert.Empty(scratch);
    }

    [Theory]
    [InlineData("hostile:deepRecursion")]
    [InlineData("hostile:deepJsonStringify")]
    public async Task Deep_recursion_fails_the_function_with_a_range_error(string path)
    {
        var backend = await StartAsync(Fast);
        var result = await backend.QueryAsync(path);
        Assert.Contains("Maximum call stack size exceeded", result.ErrorMessage);
        await AssertStillServesAsync(backend);
    }

    [Theory]
    [InlineData("hostile:memoryBombArray")]
    [InlineData("hostile:memoryBombString")]
    public async Task A_memory_bomb_fails_the_function(string path)
    {
        var backend = await StartAsync(new FunctionRunnerOptions
        {
            UdfLimits = new ExecutionLimits { UserTime = null, MemoryBytes = 64L * 1024 * 1024, Statements = 50_000_000 },
        });
        var result = await backend.QueryAsync(path);
        Assert.False(result.Succeeded);
        Assert.Matches("memory limit|Invalid string length", result.ErrorMessage);
        await AssertStillServesAsync(backend);
    }

    [Fact]
    public async Task An_unhandled_rejection_fails_a_function_that_returned_normally()
    {
        var backend = await StartAsync(Fast);
        var result = await backend.QueryAsync("hostile:unhandledRejection");
        Assert.Equal("Unhandled promise rejection: Uncaught Error: never awaited", result.ErrorMessage);
    }

    [Fact]
    public async Task A_raw_insert_syscall_from_a_query_is_refused()
    {
        var backend = await StartAsync(Fast);
        var result = await backend.QueryAsync("hostile:writeInQueryRaw");
        Assert.Equal("Uncaught Error: db.insert cannot be used in a query: queries are read-only. Use a mutation to write.",
            result.ErrorMessage);
    }

    [Fact]
    public async Task A_raw_insert_into_a_system_table_is_refused()
    {
        var backend = await StartAsync(Fast);
        var result = await backend.MutationAsync("hostile:insertSystemTableRaw");
        Assert.False(result.Succeeded);
        Assert.Contains("_foo", result.ErrorMessage);
    }

    [Fact]
    public async Task An_oversized_document_is_refused_and_nothing_is_written()
    {
        var backend = await StartAsync(Fast);
        var result = await backend.MutationAsync("hostile:insertOversized");
        Assert.False(result.Succeeded);
        Assert.Contains("too large", result.ErrorMessage, StringComparison.OrdinalIgnoreCase);
        var all = await backend.QueryAsync("messages:listAll");
        Assert.Empty(Assert.IsType<ConvexArray>(all.Value).Items);
    }

    [Fact]
    public async Task More_writes_than_the_transaction_limit_fail_the_mutation()
    {
        var backend = await StartAsync(new FunctionRunnerOptions { UdfLimits = new ExecutionLimits { UserTime = null } });
        var result = await backend.MutationAsync("hostile:tooManyWrites");
        Assert.Equal("Uncaught Error: Too many writes in a single function execution (limit: 16000).", result.ErrorMessage);
    }

    [Fact]
    public async Task Code_generation_from_strings_is_refused()
    {
        var backend = await StartAsync(Fast);
        var result = await backend.QueryAsync("hostile:usesEval");
        Assert.False(result.Succeeded);
        // Bundles are known at push time; eval and new Function are disabled (docs/compatibility.md).
        Assert.StartsWith("Uncaught TypeError: String compilation has been disabled", result.ErrorMessage);
    }

    [Fact]
    public async Task A_returned_value_over_the_nesting_limit_is_refused()
    {
        var backend = await StartAsync(Fast);
        var result = await backend.QueryAsync("hostile:returnsTooDeep");
        Assert.False(result.Succeeded);
        Assert.StartsWith("Function returned an invalid value:", result.ErrorMessage);
    }

    [Theory]
    [InlineData("hostile:returnsFunction")]
    [InlineData("hostile:returnsSymbol")]
    [InlineData("hostile:returnsMap")]
    [InlineData("hostile:returnsUndefinedInArray")]
    public async Task A_value_that_is_not_a_Convex_value_fails_the_function(string path)
    {
        var backend = await StartAsync(Fast);
        var result = await backend.QueryAsync(path);
        Assert.False(result.Succeeded);
        Assert.StartsWith("Uncaught Error:", result.ErrorMessage);
    }

    private static async Task AssertStillServesAsync(Corpus.TestBackend backend)
    {
        var sent = await backend.MutationAsync("messages:send", Obj(("author", S("a")), ("body", S("still here")), ("channel", S("c"))));
        Assert.True(sent.Succeeded, sent.ErrorMessage);
        var got = await backend.QueryAsync("messages:get", Obj(("id", sent.Value!)));
        Assert.Equal("still here", ((ConvexString)((ConvexObject)got.Value!)["body"]!).Value);
    }
}
