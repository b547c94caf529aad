using Convex.Sim.Core.Values;
using static Convex.Sim.Functions.Tests.Corpus.TestBackend;

namespace Convex.Sim.Functions.Tests.Execution;

/// <summary>Argument, return and schema validation, and visibility, as the runner enforces them.</summary>
public sealed class ValidationTests
{
    [Fact]
    public async Task Arguments_of_the_wrong_type_are_refused_before_the_function_runs()
    {
        var backend = await StartAsync();
        var result = await backend.MutationAsync("messages:send", Obj(("author", N(12)), ("body", S("b")), ("channel", S("c"))));
        Assert.False(result.Succeeded);
        Assert.StartsWith("ArgumentValidationError: Value does not match validator.\nPath: .author\nValue: 12.0\nValidator: v.string()",
            result.ErrorMessage);
        Assert.Empty(Assert.IsType<ConvexArray>((await backend.QueryAsync("messages:listAll")).Value).Items);
    }

    [Fact]
    public async Task A_missing_required_argument_and_an_extra_argument_are_refused()
    {
        var backend = await StartAsync();
        var missing = await backend.MutationAsync("messages:send", Obj(("author", S("a")), ("body", S("b"))));
        Assert.Contains("channel", missing.ErrorMessage);
        Assert.StartsWith("ArgumentValidationError:", missing.ErrorMessage);
        var extra = await backend.MutationAsync("messages:send", Obj(("author", S("a")), ("body", S("b")), ("channel", S("c")), ("x", S("y"))));
        Assert.StartsWith("ArgumentValidationError:", extra.ErrorMessage);
        Assert.Contains("`x`", extra.ErrorMessage);
    }

    [Fact]
    public async Task An_id_of_another_table_is_refused_by_v_id()
    {
        var backend = await StartAsync();
        var counter = await backend.MutationAsync("messages:increment", Obj(("name", S("c"))));
        Assert.True(counter.Succeeded, counter.ErrorMessage);
        var counterDoc = await backend.Database.BeginReadOnly().QueryAsync(
            "counters", "by_creation_time", Database.Indexing.IndexRange.All, Storage.ScanOrder.Ascending, 1, Ct);
        var result = await backend.QueryAsync("messages:get", Obj(("id", counterDoc[0]["_id"]!)));
        Assert.StartsWith("ArgumentValidationError:", result.ErrorMessage);
        Assert.Contains("messages", result.ErrorMessage);
    }

    [Fact]
    public async Task A_return_value_that_breaks_the_returns_validator_is_refused()
    {
        var backend = await StartAsync();
        Assert.True((await backend.QueryAsync("messages:returnsValidated")).Succeeded);
        var result = await backend.QueryAsync("messages:returnsWrongType");
        Assert.StartsWith("ReturnsValidationError:", result.ErrorMessage);
        Assert.Null(result.Value);
    }

    [Fact]
    public async Task A_write_that_violates_the_schema_is_refused_and_nothing_is_written()
    {
        var backend = await StartAsync();
        var result = await backend.MutationAsync("hostile:schemaViolation");
        Assert.False(result.Succeeded);
        Assert.Contains("Failed to insert or update a document in table \"messages\" because it does not match the schema",
            result.ErrorMessage);
        Assert.Empty(Assert.IsType<ConvexArray>((await backend.QueryAsync("messages:listAll")).Value).Items);
    }

    [Fact]
    public async Task A_patch_that_would_violate_the_schema_is_refused()
    {
        var backend = await StartAsync();
        var sent = await backend.MutationAsync("messages:send", Obj(("author", S("a")), ("body", S("b")), ("channel", S("c"))));
        var result = await backend.MutationAsync("hostile:patchToInvalid", Obj(("id", sent.Value!)));
        Assert.Contains("does not match the schema", result.ErrorMessage);
    }

    [Fact]
    public async Task Internal_functions_are_invisible_to_clients_but_callable_by_functions()
    {
        var backend = await StartAsync();
        var sent = await backend.MutationAsync("messages:send", Obj(("author", S("a")), ("body", S("b")), ("channel", S("c"))));
        var call = new Functions.Execution.FunctionCall("messages:internalGet", Obj(("id", sent.Value!)));
        var fromClient = await backend.Runner.RunQueryAsync(call, Ct);
        Assert.Equal("Could not find public function for 'messages:internalGet'. Did you forget to run `npx convex dev` or `npx convex deploy`?",
            fromClient.ErrorMessage);
        var fromFunction = await backend.Runner.RunQueryAsync(call with { AllowInternal = true }, Ct);
        Assert.True(fromFunction.Succeeded, fromFunction.ErrorMessage);

        var roundTrip = await backend.Runner.RunActionAsync(
            new Functions.Execution.FunctionCall("actions:roundTrip", Obj(("author", S("a")), ("body", S("rt")), ("channel", S("c")))), Ct);
        Assert.True(roundTrip.Succeeded, roundTrip.ErrorMessage);
        var value = (ConvexObject)roundTrip.Value!;
        Assert.Equal("rt", ((ConvexString)value["fetchedBody"]!).Value);
        Assert.Equal("actions:echo", ((ConvexString)((ConvexObject)value["echoed"]!)["via"]!).Value);
    }
}
