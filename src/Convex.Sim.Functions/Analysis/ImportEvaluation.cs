using Convex.Sim.Core;
using Convex.Sim.Functions.Execution;
using Convex.Sim.Functions.Hosting;
using Convex.Sim.Functions.Modules;
using Jint.Native;
using Jint.Native.Object;

namespace Convex.Sim.Functions.Analysis;

/// <summary>
/// Evaluates one module at push time in a fresh engine (no syscalls, frozen clock, seeded
/// randomness, the analysis budget) and reads something off its namespace.
/// </summary>
internal static class ImportEvaluation
{
    /// <summary>Runs <paramref name="read"/> on the module's namespace; on failure the message and the console output.</summary>
    public static async Task<(T? Value, string? Error, LogCollector Logs)> RunAsync<T>(
        ModuleSet modules, string path, TimeProvider clock, IRandom random, ExecutionLimits limits,
        Func<ObjectInstance, T> read, CancellationToken cancellationToken, DeploymentEnvironment? environment = null)
        where T : class
    {
        var worker = new JsWorker(modules, clock);
        var analysis = new AnalysisHost(random);
        worker.Clock.Freeze(clock.GetUtcNow());
        // Module-level code may read process.env at push time, as in Convex.
        worker.Bind(environment is null ? analysis : new ImportHost(analysis, environment), limits);
        T? value = null;
        JsOutcome outcome;
        try
        {
            outcome = await JsEventLoop.RunAsync(worker, () =>
            {
                value = read(worker.Import(path));
                return new JsString("null");
            }, cancellationToken);
        }
        finally
        {
            worker.Unbind();
        }

        return outcome.Succeeded && value is not null
            ? (value, null, analysis.Logs)
            : (null, outcome.ErrorMessage ?? "the module did not evaluate", analysis.Logs);
    }
}
