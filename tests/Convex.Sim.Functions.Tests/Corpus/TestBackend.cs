using Convex.Sim.Testing.Corpus;
using Convex.Sim.Core.Values;
using Convex.Sim.Functions.Deployment;
using Convex.Sim.Functions.Execution;
using Convex.Sim.Functions.Library;
using Convex.Sim.Runtime.Production;
using Convex.Sim.Storage.Memory;
using DatabaseEngine = Convex.Sim.Database.Database;

namespace Convex.Sim.Functions.Tests.Corpus;

/// <summary>A database over memory persistence with the corpus deployed, on the production runtime.</summary>
internal sealed class TestBackend
{
    private TestBackend(DatabaseEngine database, FunctionRunner runner)
    {
        Database = database;
        Runner = runner;
    }

    public DatabaseEngine Database { get; }

    public FunctionRunner Runner { get; }

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// Tests that are not about time limits get a generous user-time budget: the test runner runs
    /// classes in parallel on two cores, and user time is measured on the wall clock.
    /// </summary>
    private static readonly FunctionRunnerOptions Relaxed = new()
    {
        UdfLimits = new Convex.Sim.Functions.Hosting.ExecutionLimits { UserTime = TimeSpan.FromSeconds(30) },
    };

    /// <summary>
    /// The value conversion every corpus test runs with: native by default;
    /// <c>CONVEX_SIM_TEST_VALUE_CONVERSION=Interpreted</c> runs the whole suite on the library's own
    /// JavaScript (both must pass, see docs/functions.md).
    /// </summary>
    public static ValueConversion Conversion { get; } =
        Enum.TryParse<ValueConversion>(Environment.GetEnvironmentVariable("CONVEX_SIM_TEST_VALUE_CONVERSION"), out var mode)
            ? mode
            : ValueConversion.Native;

    /// <summary><paramref name="options"/> (or the defaults) with the suite's <see cref="Conversion"/>.</summary>
    public static FunctionRunnerOptions WithConversion(FunctionRunnerOptions? options = null) =>
        (options ?? new FunctionRunnerOptions()) with { ValueConversion = Conversion };

    public static async Task<TestBackend> StartAsync(FunctionRunnerOptions? options = null)
    {
        options = WithConversion(options ?? Relaxed);
        var runtime = new ProductionRuntime(seed: 7);
        var database = await DatabaseEngine.OpenAsync(runtime, new MemoryPersistence(), Convex.Sim.Database.DatabaseOptions.Default, Ct);
        var runner = new FunctionRunner(database, runtime, options);
        var deployment = await CorpusBundle.DeploymentAsync();
        await Deployer.ApplySchemaAsync(database, deployment.Schema!, Ct);
        runner.Deploy(deployment);
        return new TestBackend(database, runner);
    }

    public Task<FunctionResult> QueryAsync(string path, ConvexObject? args = null) =>
        Runner.RunQueryAsync(new FunctionCall(path, args ?? Obj()) { AllowInternal = true }, Ct);

    public Task<FunctionResult> MutationAsync(string path, ConvexObject? args = null) =>
        Runner.RunMutationAsync(new FunctionCall(path, args ?? Obj()) { AllowInternal = true }, Ct);

    public Task<FunctionResult> ActionAsync(string path, ConvexObject? args = null) =>
        Runner.RunActionAsync(new FunctionCall(path, args ?? Obj()) { AllowInternal = true }, Ct);

    public static ConvexObject Obj(params (string Name, ConvexValue Value)[] fields) =>
        ConvexObject.From(fields.Select(f => new KeyValuePair<string, ConvexValue>(f.Name, f.Value)));

    public static ConvexString S(string value) => new(value);

    public static ConvexFloat64 N(double value) => new(value);
}
