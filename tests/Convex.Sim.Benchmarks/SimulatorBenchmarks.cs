using System.Diagnostics;
using Convex.Sim.Simulator;
using Convex.Sim.Simulator.Workloads;

namespace Convex.Sim.Benchmarks;

/// <summary>
/// Simulator speed: simulated transactions per CPU-second and the ratio of simulated to wall-clock
/// time (issue 2's target: ≥ 1000× on the standard workload). Measured on three workloads, each on
/// the same seeds with the scenario forced:
/// <list type="bullet">
/// <item>list-append with every client on the database API: issue 2's standard workload (concurrent
/// random transactions under disk faults and crash/restart);</item>
/// <item>list-append with the JavaScript clients the seed picks (0, 50 or 100 % of the clients run
/// their transactions as mutations in Jint);</item>
/// <item>the sync scenario (functions in Jint, sync sessions, clients over the simulated network).</item>
/// </list>
/// Each seed's run includes its checkers, as in a sweep.
/// </summary>
internal static class SimulatorBenchmarks
{
    public static void Run(Report report, int seeds)
    {
        // Loads and JITs the simulator's code paths once, so the first workload is not charged for it.
        Measure(Math.Max(2, seeds / 10), k => k with { Kind = ScenarioKind.ListAppend });
        Measure(2, k => k with { Kind = ScenarioKind.Sync });

        Print(report, "list-append, database clients", Measure(seeds, DatabaseClientsOnly), target: true);
        Print(report, "list-append, JS clients as seeded", Measure(seeds, k => k with { Kind = ScenarioKind.ListAppend }), target: false);
        Print(report, "sync scenario", Measure(seeds, k => k with { Kind = ScenarioKind.Sync }), target: false);
    }

    /// <summary>Runs <paramref name="seeds"/> list-append seeds, database-only or with every client in
    /// JavaScript (to attach a profiler).</summary>
    public static void Profile(int seeds, bool javaScript) => Measure(seeds, javaScript ? JavaScriptClientsOnly : DatabaseClientsOnly);

    private static ScenarioKnobs JavaScriptClientsOnly(ScenarioKnobs knobs) => knobs with
    {
        Kind = ScenarioKind.ListAppend,
        Workload = knobs.Workload with { FunctionClientsPercent = 100 },
    };

    private static ScenarioKnobs DatabaseClientsOnly(ScenarioKnobs knobs) => knobs with
    {
        Kind = ScenarioKind.ListAppend,
        Workload = knobs.Workload with { FunctionClientsPercent = 0 },
    };

    private sealed record Speed(long Transactions, double CpuSeconds, double WallSeconds, TimeSpan Simulated, long Steps);

    // All seeds on one simulator thread, as a sweep runs them (a thread per seed costs a 256 MB stack each).
    private static Speed Measure(int seeds, Func<ScenarioKnobs, ScenarioKnobs> adjust) =>
        SeedRun.OnSimulatorThread(() => MeasureHere(seeds, adjust));

    private static Speed MeasureHere(int seeds, Func<ScenarioKnobs, ScenarioKnobs> adjust)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        long transactions = 0;
        long steps = 0;
        var simulated = TimeSpan.Zero;
        for (var seed = 1UL; seed <= (ulong)seeds; seed++)
        {
            var result = SeedRun.Run(seed, keepTrace: false, adjust);
            transactions += result.Committed + result.Aborted + result.Indeterminate;
            steps += result.Steps;
            simulated += result.Simulated;
        }

        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        return new Speed(transactions, cpuSeconds, wall.Elapsed.TotalSeconds, simulated, steps);
    }

    private static void Print(Report report, string workload, Speed speed, bool target)
    {
        report.Figure($"sim {workload}: transactions per CPU-second", speed.Transactions / speed.CpuSeconds,
            "tx/cpu-s", "(reported)", true);
        var ratio = speed.Simulated.TotalSeconds / speed.WallSeconds;
        report.Figure($"sim {workload}: simulated time / wall time", ratio, "x",
            target ? ">= 1000x" : "(reported)", !target || ratio >= 1000);
        Console.WriteLine(Text.Invariant($"    {workload}: {speed.WallSeconds * 1000 / speed.Steps * 1000:F1} us wall per scheduler step, ",
            $"{speed.Simulated.TotalSeconds / speed.Steps * 1000:F1} ms simulated per step"));
    }
}
