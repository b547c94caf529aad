using System.Diagnostics;
using Convex.Sim.Functions.Execution;
using Convex.Sim.Functions.Modules;

namespace Convex.Sim.Benchmarks;

/// <summary>
/// Cold module load, measured the way node-reference.mjs measures it: the time to import every entry
/// module of the bundle into a fresh engine. Node's <c>coldLoadMs</c> is the first import in its
/// process and <c>reloadMs</c> the median re-import from fresh files; ours are the first load in
/// this process (parse + Jint JIT + engine + evaluation) and the median over fresh module sets.
/// A fresh engine is the runner's internal <c>JsWorker</c> (the web APIs, the Convex global and the
/// budget installed); the runner's internals are visible to this project.
/// </summary>
internal sealed class ColdLoad
{
    private readonly bool _processCold;

    private ColdLoad(bool processCold)
    {
        _processCold = processCold;
    }

    /// <summary>Load times in ms. Parse is what a fresh module set adds over one whose ASTs are already shared.
    /// </summary>
    public sealed record Figures(
        bool ProcessCold, double FirstMs, double ReloadMs, double EngineMs, double EvaluateMs, double ParseMs);

    /// <summary>
    /// Cold load of every entry module, compared with Node's figures, and its split: first in this
    /// process (JIT-compiled, as <c>dotnet run</c> runs the server), then, unless
    /// <paramref name="readyToRunRuns"/> is 0, first in fresh processes of a ReadyToRun publish
    /// (<see cref="ReadyToRunColdLoad"/>, as docs/operations.md deploys the server).
    /// </summary>
    public static void Report(
        Report report, IReadOnlyList<ModuleSource> modules, string bundleDirectory, NodeFigures? node, int repeats,
        int readyToRunRuns)
    {
        var loader = TryCreate(out var skipped);
        if (loader is null)
        {
            Console.WriteLine($"fn cold load: skipped: {skipped}");
            return;
        }

        var cold = loader.Measure(modules, repeats);
        var when = cold.ProcessCold ? "first in process" : "Jint already loaded";
        var first = $"fn cold load, all entry modules, {when} (JIT)";
        const string reload = "fn reload, fresh engine + fresh module set";
        if (node is not null)
        {
            report.Compare(first, cold.FirstMs, node.ColdLoadMs, "ms", "<= 4x Node",
                cold.FirstMs <= 4 * node.ColdLoadMs);
            report.Compare(reload, cold.ReloadMs, node.ReloadMs, "ms", "<= 4x Node",
                cold.ReloadMs <= 4 * node.ReloadMs);
        }
        else
        {
            report.Figure(first, cold.FirstMs, "ms", "(Node skipped)", true);
            report.Figure(reload, cold.ReloadMs, "ms", "(Node skipped)", true);
        }

        Console.WriteLine(Text.Invariant($"    reload = engine {cold.EngineMs:F2} ms ",
            $"+ evaluate (shared ASTs) {cold.EvaluateMs:F2} ms + parse {cold.ParseMs:F2} ms"));
        if (readyToRunRuns > 0)
        {
            ReportReadyToRun(report, bundleDirectory, node, readyToRunRuns);
        }
    }

    private static void ReportReadyToRun(Report report, string bundleDirectory, NodeFigures? node, int runs)
    {
        const string name = "fn cold load, first in process (ReadyToRun publish)";
        var measured = ReadyToRunColdLoad.Measure(bundleDirectory, runs, out var skipped);
        if (measured is not { } r2r)
        {
            Console.WriteLine($"{name}: skipped: {skipped}");
            return;
        }

        // The server runs EngineStatics.Initialize in the background at start-up (Jint's static
        // initialization, the JIT of its parser and interpreter on a small module): what the first push
        // or call after start-up pays is the load without that phase.
        const string afterStartUp = "fn cold load, first after the server's start-up init (ReadyToRun)";
        if (node is not null)
        {
            report.Compare(name, r2r.TotalMs, node.ColdLoadMs, "ms", "<= 4x Node", r2r.TotalMs <= 4 * node.ColdLoadMs);
            report.Compare(afterStartUp, r2r.AfterStaticsMs, node.ColdLoadMs, "ms", "<= 4x Node",
                r2r.AfterStaticsMs <= 4 * node.ColdLoadMs);
        }
        else
        {
            report.Figure(name, r2r.TotalMs, "ms", "(Node skipped)", true);
            report.Figure(afterStartUp, r2r.AfterStaticsMs, "ms", "(Node skipped)", true);
        }

        Console.WriteLine(Text.Invariant($"    median of {runs} child processes; their process CPU for the load: {r2r.CpuMs:F1} ms"));
        Console.WriteLine($"    median child: {r2r.Phases}");
    }

    /// <summary>
    /// What a request pays when the pool has no idle engine: the first messages:list on a fresh runner
    /// (a new engine; messages.js and its chunks evaluated from the deployment's parsed ASTs) minus a
    /// warm call on that runner.
    /// </summary>
    public static async Task ReportFirstCallAsync(Report report, FunctionBackend backend, int repeats)
    {
        var args = FunctionBackend.ListArgs("general", 10);
        var extra = new List<double>();
        for (var r = 0; r < repeats; r++)
        {
            backend.FreshRunner(seed: 100 + (ulong)r);
            var start = Stopwatch.GetTimestamp();
            await backend.QueryAsync("messages:list", args);
            var firstUs = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            var warm = new List<double>();
            for (var i = 0; i < 20; i++)
            {
                var callStart = Stopwatch.GetTimestamp();
                await backend.QueryAsync("messages:list", args);
                warm.Add(Stopwatch.GetElapsedTime(callStart).TotalMicroseconds);
            }

            extra.Add((firstUs - Samples.Median(warm)) / 1000);
        }

        report.Figure("fn first call on a fresh runner - warm call", Samples.Median(extra), "ms", "(reported)", true);
    }

    public static ColdLoad? TryCreate(out string? skipped)
    {
        // Before anything in this process touched Jint (creating a JsWorker loads it), the first
        // load also pays for its JIT.
        var processCold = !AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name == "Jint");
        skipped = null;
        return new ColdLoad(processCold);
    }

    public Figures Measure(IReadOnlyList<ModuleSource> modules, int repeats)
    {
        var first = LoadAll(new ModuleSet(modules));
        var reloads = new List<double>();
        var engines = new List<double>();
        var evaluations = new List<double>();
        for (var i = 0; i < repeats; i++)
        {
            reloads.Add(LoadAll(new ModuleSet(modules)).TotalMs);
        }

        var parsed = new ModuleSet(modules);
        LoadAll(parsed); // parses every module once; later engines share the ASTs
        for (var i = 0; i < repeats; i++)
        {
            var (total, engine) = LoadAll(parsed);
            engines.Add(engine);
            evaluations.Add(total - engine);
        }

        var reload = Samples.Median(reloads);
        var engineMs = Samples.Median(engines);
        var evaluateMs = Samples.Median(evaluations);
        return new Figures(_processCold, first.TotalMs, reload, engineMs, evaluateMs, reload - engineMs - evaluateMs);
    }

    /// <summary>A fresh engine importing every entry module (not the chunks: entry modules import them).</summary>
    private (double TotalMs, double EngineMs) LoadAll(ModuleSet modules)
    {
        var start = Stopwatch.GetTimestamp();
        var worker = new Convex.Sim.Functions.Hosting.JsWorker(modules, TimeProvider.System);
        var engineMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        foreach (var path in modules.Paths.Where(p => !p.StartsWith("_deps/", StringComparison.Ordinal)))
        {
            worker.Import(path);
        }

        return (Stopwatch.GetElapsedTime(start).TotalMilliseconds, engineMs);
    }
}
