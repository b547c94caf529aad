using Convex.Sim.Core.Values;
using Convex.Sim.Functions.Deployment;
using Convex.Sim.Functions.Execution;
using Convex.Sim.Functions.Modules;
using Convex.Sim.Runtime.Production;
using Convex.Sim.Storage.Memory;
using static Convex.Sim.Functions.Tests.Corpus.TestBackend;
using DatabaseEngine = Convex.Sim.Database.Database;

namespace Convex.Sim.Functions.Tests.Execution;

/// <summary>
/// The runner reports every execution of a user function to its observer (what feeds the log
/// stream of <c>npx convex logs</c>), with the log lines and the error; built-in system queries
/// are not reported, as in Convex.
/// </summary>
public sealed class ObservationTests
{
    private const string Module = """
        export const chatty = {
          isQuery: true,
          isPublic: true,
          exportArgs: () => '{"type":"any"}',
          exportReturns: () => "null",
          invokeQuery: async () => { console.log("said", 1); return JSON.stringify(null); },
        };
        export const failing = {
          isMutation: true,
          isPublic: true,
          exportArgs: () => '{"type":"any"}',
          exportReturns: () => "null",
          invokeMutation: async () => { throw new Error("nope"); },
        };
        """;

    private sealed class Recorder : IFunctionExecutionObserver
    {
        public List<FunctionExecution> Executions { get; } = [];

        public void OnExecuted(FunctionExecution execution) => Executions.Add(execution);
    }

    [Fact]
    public async Task Each_user_execution_is_reported_with_its_logs_and_error()
    {
        var runtime = new ProductionRuntime(seed: 9);
        var database = await DatabaseEngine.OpenAsync(
            runtime, new MemoryPersistence(), Database.DatabaseOptions.Default, Ct);
        var runner = new FunctionRunner(database, runtime, Corpus.TestBackend.WithConversion());
        runner.Deploy(await Deployer.PrepareAsync([new ModuleSource("talk.js", Module)], null, runtime, Ct));
        var recorder = new Recorder();
        runner.Observer = recorder;

        await runner.RunQueryAsync(new FunctionCall("talk.js:chatty", ConvexObject.Empty), Ct);
        await runner.RunMutationAsync(new FunctionCall("talk:failing", ConvexObject.Empty), Ct);
        await runner.RunQueryAsync(
            new FunctionCall("_system/cli/tables", ConvexObject.Empty) { AllowInternal = true }, Ct);

        Assert.Equal(2, recorder.Executions.Count);
        var query = recorder.Executions[0];
        Assert.Equal(("talk:chatty", UdfKind.Query, (string?)null), (query.Identifier, query.Kind, query.Error));
        Assert.Equal(["[LOG] said 1"], query.LogLines);
        Assert.True(query.Duration >= TimeSpan.Zero);
        var mutation = recorder.Executions[1];
        Assert.Equal(("talk:failing", UdfKind.Mutation), (mutation.Identifier, mutation.Kind));
        Assert.Contains("nope", mutation.Error, StringComparison.Ordinal);
    }
}
