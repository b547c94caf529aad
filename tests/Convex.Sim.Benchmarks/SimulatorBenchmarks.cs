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
        Measure(Math.Max(2, seeds / 10), 1, k => k with { Kind = ScenarioKind.ListAppend });
        Measure(2, 1, k => k with { Kind = ScenarioKind.Sync });

        // Cold: the first seeds of a process, while the tiered JIT is still recompiling the hot paths at
        // tier 1 (on the other core) and the simulator thread runs their tier-0 code. A short sweep sees this.
        PrintAll(report, seeds, "cold, first seeds of the process", target: false);

        // Warm: what a long sweep runs at once the JIT is done (the CI sweep runs 1,000 seeds twice).
        // The warm-up runs other seeds (from 1,001) of the same workloads, then the same seeds are measured.
        WarmUp();
        PrintAll(report, seeds, "warm", target: true);
    }

    private static void PrintAll(Report report, int seeds, string phase, bool target)
    {
        Console.WriteLine($"  simulator, {phase}:");
        Print(report, $"list-append, database clients ({phase})", Measure(seeds, 1, DatabaseClientsOnly), target);
        Print(report, $"list-append, JS clients as seeded ({phase})", Measure(seeds, 1, k => k with { Kind = ScenarioKind.ListAppend }), false);
        Print(report, $"sync scenario ({phase})", Measure(seeds, 1, k => k with { Kind = ScenarioKind.Sync }), false);
    }

    /// <summary>
    /// Runs rounds of the three workloads on seeds from 1,001 until a round leaves the JIT's compiled-method
    /// count almost unchanged (the tiered JIT has promoted what the workloads run), or 60 s have passed.
    /// </summary>
    private static void WarmUp()
    {
        var started = Stopwatch.StartNew();
        var first = 1001;
        var rounds = 0;
        while (started.Elapsed < TimeSpan.FromSeconds(60))
        {
            var before = System.Runtime.JitInfo.GetCompiledMethodCount();
            Measure(40, first, DatabaseClientsOnly);
            Measure(10, first, k => k with { Kind = ScenarioKind.ListAppend });
            Measure(2, first, k => k with { Kind = ScenarioKind.Sync });
            first += 40;
            rounds++;
            if (System.Runtime.JitInfo.GetCompiledMethodCount() - before < 10)
            {
                break;
            }
        }

        Console.WriteLine(Text.Invariant($"  JIT warm-up: {rounds} rounds in {started.Elapsed.TotalSeconds:F1} s, ",
            $"{System.Runtime.JitInfo.GetCompiledMethodCount()} methods compiled in the process"));
    }

    /// <summary>Runs <paramref name="seeds"/> list-append seeds, database-only or with every client in
    /// JavaScript (to attach a profiler).</summary>
    public static void Profile(int seeds, bool javaScript) => Measure(seeds, 1, javaScript ? JavaScriptClientsOnly : DatabaseClientsOnly);

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
    private static Speed Measure(int seeds, int first, Func<ScenarioKnobs, ScenarioKnobs> adjust) =>
        SeedRun.OnSimulatorThread(() => MeasureHere(seeds, (ulong)first, adjust));

    private static Speed MeasureHere(int seeds, ulong first, Func<ScenarioKnobs, ScenarioKnobs> adjust)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        long transactions = 0;
        long steps = 0;
        var simulated = TimeSpan.Zero;
        for (var seed = first; seed < first + (ulong)seeds; seed++)
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
