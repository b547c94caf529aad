using Convex.Sim.Core.Values;
using static Convex.Sim.Functions.Tests.Corpus.TestBackend;

namespace Convex.Sim.Functions.Tests.Execution;

/// <summary>Actions run outside a transaction and call queries, mutations and actions (tests/functions/convex/actions.ts).</summary>
public sealed class ActionTests
{
    [Fact]
    public async Task A_nested_ConvexError_reaches_the_calling_action_with_its_data()
    {
        var backend = await StartAsync();
        var result = await backend.ActionAsync("actions:catchesNestedConvexError");
        Assert.True(result.Succeeded, result.ErrorMessage);
        var value = Assert.IsType<ConvexObject>(result.Value);
        Assert.Equal(ConvexBoolean.True, value["caught"]);
        Assert.Equal(ConvexBoolean.True, value["isConvexError"]);
        Assert.Equal("NOPE", ((ConvexString)((ConvexObject)value["data"]!)["code"]!).Value);
    }

    [Fact]
    public async Task A_timer_in_an_action_waits_on_the_clock()
    {
        var backend = await StartAsync();
        var result = await backend.ActionAsync("actions:sleep", Obj(("ms", N(30))));
        Assert.True(result.Succeeded, result.ErrorMessage);
        var elapsed = ((ConvexFloat64)((ConvexObject)result.Value!)["elapsed"]!).Value;
        Assert.InRange(elapsed, 25, 10_000); // real clocks may disagree by a few ms; the simulator test is exact
    }

    [Fact]
    public async Task The_scheduler_answers_not_supported_yet()
    {
        var backend = await StartAsync();
        var fromAction = await backend.ActionAsync("actions:scheduleFromAction", Obj(("channel", S("c"))));
        var fromMutation = await backend.MutationAsync("actions:scheduleFromMutation", Obj(("channel", S("c"))));
        Assert.Contains("is not supported yet by Convex.Sim", fromAction.ErrorMessage);
        Assert.Contains("is not supported yet by Convex.Sim", fromMutation.ErrorMessage);
    }

    [Fact]
    public async Task A_query_run_as_an_action_is_refused()
    {
        var backend = await StartAsync();
        var result = await backend.ActionAsync("messages:get", Obj(("id", S("x"))));
        Assert.Equal("Function messages:get is registered as a query but is being run as a action", result.ErrorMessage);
    }
}
