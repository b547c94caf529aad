using System.Globalization;

namespace Convex.Sim.Benchmarks;

/// <summary>
/// The benchmark harness. Every figure is measured side by side with its reference in the same run
/// (raw Microsoft.Data.Sqlite at the same durability) and printed with the ratio and the target.
/// Not a test: it never fails a build; the figures go into the notes and docs/benchmarks.md.
/// Usage: <c>dotnet run -c Release --project tests/Convex.Sim.Benchmarks [-- --quick]</c>.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        var quick = args.Contains("--quick");
        var scale = quick ? 0.2 : 1.0;
        var report = new Report(Console.Out);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Convex.Sim benchmarks ({Environment.ProcessorCount} cores, scale {scale}); ratios are ours / reference"));
        await DatabaseBenchmarks.RunAsync(report, scale);
        SimulatorBenchmarks.Run(report, quick ? 10 : 40);
        report.PrintSummary();
        return 0;
    }
}
