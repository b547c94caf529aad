using System.Globalization;

namespace Convex.Sim.Benchmarks;

/// <summary>
/// The benchmark harness. Every figure is measured side by side with its reference in the same run
/// (raw Microsoft.Data.Sqlite at the same durability; Node on the same bundle for the function
/// runner) and printed with the ratio and the target. Not a test: it never fails a build; the
/// figures go into the notes and docs/benchmarks.md.
/// Usage: <c>dotnet run -c Release --project tests/Convex.Sim.Benchmarks [-- --quick]</c>;
/// <c>--database</c> runs only the database and simulator figures, <c>--simulator</c> only the simulator's (<c>--profile-simulator SEEDS [--js]</c> loops database-only, or all-JavaScript, list-append seeds),
/// <c>--functions</c> only the function-runner figures, <c>--sync</c> only the sync-layer
/// figures (Sync/SyncBenchmarks.cs; not part of the default run), <c>--bundle DIR</c> uses a prebuilt
/// corpus bundle (when Node is missing), <c>--profile-commits SECONDS</c> only runs 16 concurrent writers, <c>--profile-reads SECONDS</c> only 10-row range reads, <c>--profile-list SECONDS</c> only loops messages:list (<c>--profile-send SECONDS</c> messages:send)
/// (to attach dotnet-trace or dotnet-counters).
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        if (args.Contains("--sync-client-host"))
        {
            return await Sync.ClientHost.ServeAsync();
        }

        var quick = args.Contains("--quick");
        var bundle = Option(args, "--bundle");
        if (args.Contains("--cold-load"))
        {
            FunctionBenchmarks.ReportColdLoadPhases(bundle);
            return 0;
        }

        if (Option(args, "--profile-list") is { } seconds)
        {
            var duration = TimeSpan.FromSeconds(double.Parse(seconds, CultureInfo.InvariantCulture));
            await WarmUpCurve.ProfileListAsync(duration, bundle);
            return 0;
        }

        if (Option(args, "--profile-send") is { } sendSeconds)
        {
            await WarmUpCurve.ProfileSendAsync(TimeSpan.FromSeconds(double.Parse(sendSeconds, CultureInfo.InvariantCulture)), bundle);
            return 0;
        }

        if (Option(args, "--profile-commits") is { } commitSeconds)
        {
            await DatabaseBenchmarks.ProfileCommitsAsync(TimeSpan.FromSeconds(double.Parse(commitSeconds, CultureInfo.InvariantCulture)), args.Contains("--memory"));
            return 0;
        }

        if (Option(args, "--profile-reads") is { } readSeconds)
        {
            await DatabaseBenchmarks.ProfileReadsAsync(TimeSpan.FromSeconds(double.Parse(readSeconds, CultureInfo.InvariantCulture)));
            return 0;
        }

        var scale = quick ? 0.2 : 1.0;
        var report = new Report(Console.Out);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Convex.Sim benchmarks ({Environment.ProcessorCount} cores, scale {scale}); ratios are ours / reference"));
        if (Option(args, "--fanout") is { } fanOutClients)
        {
            await Sync.SyncBenchmarks.RunFanOutAsync(report, int.Parse(fanOutClients, CultureInfo.InvariantCulture), bundle,
                sessionsOnly: args.Contains("--no-sockets"));
            report.PrintSummary();
            return 0;
        }

        if (args.Contains("--sync"))
        {
            await Sync.SyncBenchmarks.RunAsync(report, quick, bundle);
            report.PrintSummary();
            return 0;
        }

        if (Option(args, "--profile-simulator") is { } simSeeds)
        {
            SimulatorBenchmarks.Profile(int.Parse(simSeeds, CultureInfo.InvariantCulture), args.Contains("--js"));
            return 0;
        }

        if (args.Contains("--simulator"))
        {
            SimulatorBenchmarks.Run(report, quick ? 10 : 40);
            report.PrintSummary();
            return 0;
        }

        if (args.Contains("--database"))
        {
            await DatabaseBenchmarks.RunAsync(report, scale);
            SimulatorBenchmarks.Run(report, quick ? 10 : 40);
            report.PrintSummary();
            return 0;
        }

        var functionsOnly = args.Contains("--functions");
        if (!functionsOnly)
        {
            await DatabaseBenchmarks.RunAsync(report, scale);
        }

        // Before the simulator, which may run functions: the first module load here is process-cold.
        await FunctionBenchmarks.RunAsync(report, quick, bundle);
        if (!functionsOnly)
        {
            SimulatorBenchmarks.Run(report, quick ? 10 : 40);
        }

        report.PrintSummary();
        return 0;
    }

    private static string? Option(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
