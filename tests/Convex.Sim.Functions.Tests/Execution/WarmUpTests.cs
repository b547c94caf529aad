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
/// Engines prepared ahead of requests: the first call finds its modules already evaluated. The
/// module logs when it is evaluated; a call that had to evaluate it shows that line in its logs.
/// </summary>
public sealed class WarmUpTests
{
    // A hand-written query object in the shape the library produces.
    private const string Module = """
        console.log("module evaluated");
        export const ping = {
          isQuery: true,
          isPublic: true,
          exportArgs: () => '{"type":"any"}',
          exportReturns: () => "null",
          invokeQuery: async () => JSON.stringify("pong"),
        };
        """;

    private static async Task<FunctionRunner> StartAsync()
    {
        var runtime = new ProductionRuntime(seed: 3);
        var database = await DatabaseEngine.OpenAsync(runtime, new MemoryPersistence(), Database.DatabaseOptions.Default, Ct);
        var runner = new FunctionRunner(database, runtime, Corpus.TestBackend.WithConversion());
        runner.Deploy(await Deployer.PrepareAsync([new ModuleSource("ping.js", Module)], null, runtime, Ct));
        return runner;
    }

    private static Task<FunctionResult> PingAsync(FunctionRunner runner) =>
        runner.RunQueryAsync(new FunctionCall("ping:ping", ConvexObject.Empty), Ct);

    [Fact]
    public async Task Without_warm_up_the_first_call_evaluates_the_module()
    {
        var runner = await StartAsync();
        var first = await PingAsync(runner);
        Assert.Equal(new ConvexString("pong"), first.Value);
        Assert.Equal(["[LOG] module evaluated"], first.LogLines);
        Assert.Empty((await PingAsync(runner)).LogLines); // the engine was reused
    }

    [Fact]
    public async Task After_warm_up_the_first_call_finds_the_module_evaluated()
    {
        var runner = await StartAsync();
        await runner.WarmUpAsync(1, Ct);
        var first = await PingAsync(runner);
        Assert.Equal(new ConvexString("pong"), first.Value);
        Assert.Empty(first.LogLines);
    }
}
