using System.Diagnostics;
using Convex.Sim.Simulator;

namespace Convex.Sim.Benchmarks;

/// <summary>
/// Simulator speed on the standard scenario: simulated transactions per CPU-second and the ratio of
/// simulated to wall-clock time (target ≥ 1000×).
/// </summary>
internal static class SimulatorBenchmarks
{
    public static void Run(Report report, int seeds)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        long transactions = 0;
        var simulated = TimeSpan.Zero;
        for (var seed = 1UL; seed <= (ulong)seeds; seed++)
        {
            var result = SeedRun.Run(seed, keepTrace: false);
            transactions += result.Committed + result.Aborted + result.Indeterminate;
            simulated += result.Simulated;
        }

        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        report.Figure("simulated transactions per CPU-second", transactions / cpuSeconds, "tx/cpu-s", "(reported)", true);
        var ratio = simulated.TotalSeconds / wall.Elapsed.TotalSeconds;
        report.Figure("simulated time / wall time", ratio, "x", ">= 1000x", ratio >= 1000);
    }
}
