using System.Diagnostics;
using System.Globalization;

namespace Convex.Sim.Simulator;

/// <summary>
/// The simulator's command line:
/// <c>run --seed N | --seeds A..B [--scenario sync|listappend] [--client official|simulated] [--check-determinism]
/// [--verbose] [--trace FILE]</c> (<c>--trace</c> writes every trace event of the seed, the last one of a sweep, to FILE).
/// Prints each seed's derived knobs (one seed) or a progress line (a sweep), a one-line reproduction
/// command for every failing seed, and a last line <c>seeds: N, violations: V, simulated: Xs, wall: Ys</c>.
/// Exits 1 on any violation, 2 on bad usage.
/// </summary>
internal static class SimulatorCli
{
    public static int Run(string[] args, TextWriter output)
    {
        if (!TryParse(args, out var options, out var error))
        {
            output.WriteLine(error);
            output.WriteLine("usage: run (--seed N | --seeds A..B) [--scenario sync|listappend] [--client official|simulated] " +
                "[--check-determinism] [--verbose] [--trace FILE]");
            return 2;
        }

        var wall = Stopwatch.StartNew();
        var violations = 0;
        var simulated = TimeSpan.Zero;
        long committed = 0;
        var seeds = options.Last - options.First + 1;
        for (var seed = options.First; seed <= options.Last; seed++)
        {
            var failures = RunSeed(seed, options, output, out var result);
            violations += failures;
            simulated += result.Simulated;
            committed += result.Committed;
            if (seeds > 1 && ((seed - options.First + 1) % 10 == 0 || seed == options.Last))
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"progress: {seed - options.First + 1}/{seeds} seeds, {violations} violations, {committed} commits, wall {wall.Elapsed.TotalSeconds:F1}s"));
            }
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"seeds: {seeds}, violations: {violations}, simulated: {simulated.TotalSeconds:F1}s, wall: {wall.Elapsed.TotalSeconds:F1}s"));
        return violations == 0 ? 0 : 1;
    }

    /// <summary>Runs one seed (twice with the determinism check); returns the number of failing seeds (0 or 1).</summary>
    private static int RunSeed(ulong seed, CliOptions options, TextWriter output, out SeedResult result)
    {
        var announce = options.Verbose || options.First == options.Last;
        result = SeedRun.Run(seed, keepTrace: options.TraceFile is not null, options.Adjust, knobs =>
        {
            if (announce)
            {
                output.WriteLine($"seed {seed}: {knobs}");
            }
        });
        var problems = new List<string>(result.Violations);
        if (options.TraceFile is { } traceFile)
        {
            File.WriteAllLines(traceFile, result.Loop.Trace.Events);
        }

        if (options.CheckDeterminism)
        {
            var again = SeedRun.Run(seed, keepTrace: false, options.Adjust);
            if (again.TraceHash != result.TraceHash)
            {
                problems.Add(Divergence(seed, options, result, again));
            }
        }

        if (announce)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"seed {seed}: committed={result.Committed} aborted={result.Aborted} indeterminate={result.Indeterminate} " +
                $"crashes={result.Crashes} steps={result.Steps} events={result.TraceEvents} simulated={result.Simulated.TotalSeconds:F1}s " +
                $"pruned={result.PrunedVersions} probes-across-restart={result.ProbesAcrossRestart} " +
                $"trace={result.TraceHash:x16}"));
        }

        foreach (var problem in problems)
        {
            output.WriteLine($"seed {seed}: VIOLATION {problem}");
        }

        if (problems.Count > 0)
        {
            var scenario = options.Scenario is { } forced ? $" --scenario {(forced == Workloads.ScenarioKind.Sync ? "sync" : "listappend")}" : "";
            var client = options.Client is { } kind ? $" --client {(kind == Sync.SyncClientKind.Official ? "official" : "simulated")}" : "";
            output.WriteLine($"reproduce: dotnet run --project sim/Convex.Sim.Simulator -c Release -- run --seed {seed}{scenario}{client}");
        }

        return problems.Count > 0 ? 1 : 0;
    }

    /// <summary>Re-runs both copies keeping their events, and names the first event that differs.</summary>
    private static string Divergence(ulong seed, CliOptions options, SeedResult first, SeedResult second)
    {
        var a = SeedRun.Run(seed, keepTrace: true, options.Adjust);
        var b = SeedRun.Run(seed, keepTrace: true, options.Adjust);
        var at = Tracing.SimTrace.FirstDivergence(a.Loop.Trace, b.Loop.Trace);
        var where = at is { } d ? $"first divergent event #{d.Index}: '{d.A}' vs '{d.B}'" : "kept traces agree on a re-run";
        return $"Determinism: trace hash {first.TraceHash:x16} then {second.TraceHash:x16}; {where}";
    }

    private static bool TryParse(string[] args, out CliOptions options, out string error)
    {
        options = new CliOptions();
        error = "";
        if (args.Length == 0 || args[0] != "run")
        {
            error = "expected the command 'run'";
            return false;
        }

        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--seed" when i + 1 < args.Length && ulong.TryParse(args[i + 1], out var seed):
                    options = options with { First = seed, Last = seed };
                    i++;
                    break;
                case "--seeds" when i + 1 < args.Length && TryRange(args[i + 1], out var first, out var last):
                    options = options with { First = first, Last = last };
                    i++;
                    break;
                case "--scenario" when i + 1 < args.Length && TryScenario(args[i + 1], out var scenario):
                    options = options with { Scenario = scenario };
                    i++;
                    break;
                case "--client" when i + 1 < args.Length && TryClient(args[i + 1], out var client):
                    if (client == Sync.SyncClientKind.Official && !Sync.Official.OfficialClientBundle.IsAvailable)
                    {
                        error = "--client official: the official client's bundle was not found (run `npm ci` in tests/functions)";
                        return false;
                    }

                    options = options with { Client = client };
                    i++;
                    break;
                case "--check-determinism":
                    options = options with { CheckDeterminism = true };
                    break;
                case "--trace" when i + 1 < args.Length:
                    options = options with { TraceFile = args[i + 1] };
                    i++;
                    break;
                case "--verbose":
                    options = options with { Verbose = true };
                    break;
                default:
                    error = $"unknown or malformed argument: {args[i]}";
                    return false;
            }
        }

        return true;
    }

    private static bool TryScenario(string text, out Workloads.ScenarioKind scenario)
    {
        scenario = text switch
        {
            "sync" => Workloads.ScenarioKind.Sync,
            "listappend" => Workloads.ScenarioKind.ListAppend,
            _ => 0,
        };
        return scenario != 0;
    }

    private static bool TryClient(string text, out Sync.SyncClientKind client)
    {
        client = text switch
        {
            "official" => Sync.SyncClientKind.Official,
            "simulated" => Sync.SyncClientKind.Simulated,
            _ => 0,
        };
        return client != 0;
    }

    private static bool TryRange(string text, out ulong first, out ulong last)
    {
        var parts = text.Split("..");
        first = last = 0;
        return parts.Length == 2 && ulong.TryParse(parts[0], out first) && ulong.TryParse(parts[1], out last) && first <= last;
    }

    private sealed record CliOptions(
        ulong First = 1, ulong Last = 1, bool CheckDeterminism = false, bool Verbose = false,
        Workloads.ScenarioKind? Scenario = null, Sync.SyncClientKind? Client = null, string? TraceFile = null)
    {
        /// <summary>Forces the scenario when <c>--scenario</c> was given and the sync client when <c>--client</c>
        /// was; otherwise the seed decides.</summary>
        public Workloads.ScenarioKnobs Adjust(Workloads.ScenarioKnobs knobs)
        {
            var adjusted = Scenario is { } scenario ? knobs with { Kind = scenario } : knobs;
            return Client is { } client ? adjusted with { Sync = adjusted.Sync with { Client = client } } : adjusted;
        }
    }
}
