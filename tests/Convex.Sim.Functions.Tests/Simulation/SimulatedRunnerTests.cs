using Convex.Sim.Testing.Corpus;
using Convex.Sim.Core.Values;
using Convex.Sim.Functions.Deployment;
using Convex.Sim.Functions.Execution;
using Convex.Sim.Functions.Library;
using Convex.Sim.Functions.Tests.Corpus;
using Convex.Sim.Simulator.Scheduling;
using Convex.Sim.Storage.Memory;
using static Convex.Sim.Functions.Tests.Corpus.TestBackend;
using DatabaseEngine = Convex.Sim.Database.Database;

namespace Convex.Sim.Functions.Tests.Simulation;

/// <summary>
/// The corpus run inside the simulator: one thread, virtual time, seeded scheduling. The same
/// seed must give the same results and the same trace; limits are statement budgets, so a
/// runaway function stops at the same point every time.
/// </summary>
public sealed class SimulatedRunnerTests
{
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_corpus_runs_deterministically_in_the_simulator()
    {
        var deployment = await CorpusBundle.DeploymentAsync();
        var first = RunScript(deployment, seed: 11);
        var second = RunScript(deployment, seed: 11);
        Assert.Equal(first.Results, second.Results);
        Assert.Equal(first.TraceHash, second.TraceHash);

        Assert.Equal("ok", first.Results[0][..2]);
        Assert.Contains(first.Results, r => r.Contains("[\"s2\",\"s1\"]", StringComparison.Ordinal)); // list, newest first
        Assert.Contains(first.Results, r => r.StartsWith("error: Uncaught ConvexError", StringComparison.Ordinal));
        Assert.Contains(first.Results, r => r.Contains("statements", StringComparison.Ordinal)); // the infinite loop stopped
        Assert.Contains("sleep elapsed 250", first.Results); // virtual time passed exactly
    }

    [Fact]
    public async Task Native_and_interpreted_value_conversion_give_the_same_run()
    {
        var deployment = await CorpusBundle.DeploymentAsync();
        var native = RunScript(deployment, seed: 11, ValueConversion.Native);
        var interpreted = RunScript(deployment, seed: 11, ValueConversion.Interpreted);
        Assert.Equal(interpreted.Results, native.Results);
        Assert.Equal(interpreted.TraceHash, native.TraceHash);
        Assert.Contains(native.Results, r => r.Contains("[\"s2\",\"s1\"]", StringComparison.Ordinal));
    }

    private static (List<string> Results, ulong TraceHash) RunScript(
        ActiveDeployment deployment, ulong seed, ValueConversion conversion = ValueConversion.Native)
    {
        var loop = new SimLoop(seed, Epoch);
        var node = new SimNode(loop, "db");
        var results = new List<string>();
        var outcome = loop.Run(async () =>
        {
            var runtime = node.CreateRuntime(buggify: false);
            var database = await DatabaseEngine.OpenAsync(runtime, new MemoryPersistence(), Database.DatabaseOptions.Default, CancellationToken.None);
            await Deployer.ApplySchemaAsync(database, deployment.Schema!, CancellationToken.None);
            var runner = new FunctionRunner(database, runtime, FunctionRunnerOptions.Deterministic with { ValueConversion = conversion });
            runner.Deploy(deployment);
            async Task Record(Task<FunctionResult> call)
            {
                var result = await call;
                results.Add(result.Succeeded ? $"ok {ConvexJson.Encode(Project(result.Value!))}" : $"error: {result.ErrorMessage}");
            }

            var ct = CancellationToken.None;
            FunctionCall Call(string path, ConvexObject args) => new(path, args) { AllowInternal = true };
            await Record(runner.RunMutationAsync(Call("messages:send", Obj(("author", S("a")), ("body", S("s1")), ("channel", S("c")))), ct));
            await Record(runner.RunMutationAsync(Call("messages:send", Obj(("author", S("a")), ("body", S("s2")), ("channel", S("c")))), ct));
            await Record(runner.RunQueryAsync(Call("messages:list", Obj(("channel", S("c")))), ct));
            await Record(runner.RunQueryAsync(Call("messages:throwsConvexError", Obj()), ct));
            await Record(runner.RunQueryAsync(Call("messages:dateAndRandom", Obj()), ct));
            await Record(runner.RunQueryAsync(Call("hostile:infiniteLoop", Obj()), ct));
            var sleep = await runner.RunActionAsync(Call("actions:sleep", Obj(("ms", N(250)))), ct);
            results.Add(sleep.Succeeded ? $"sleep elapsed {((ConvexFloat64)((ConvexObject)sleep.Value!)["elapsed"]!).Value}" : $"error: {sleep.ErrorMessage}");
        }, TimeSpan.FromHours(1));
        Assert.Equal(RunOutcome.Completed, outcome);
        return (results, loop.Trace.Hash);
    }

    /// <summary>Lists of documents become their bodies; everything else is kept (ids differ by nothing here, but stay out of it).</summary>
    private static ConvexValue Project(ConvexValue value) => value switch
    {
        ConvexArray docs when docs.Items.All(d => d is ConvexObject o && o["body"] is not null) =>
            new ConvexArray([.. docs.Items.Select(d => ((ConvexObject)d)["body"]!)]),
        _ => value,
    };
}
