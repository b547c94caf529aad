using Convex.Sim.Core;
using Convex.Sim.Simulator.Scheduling;
using Convex.Sim.Simulator.Workloads;

namespace Convex.Sim.Simulator;

/// <summary>The outcome of one seed: violations found, the trace hash, and counters for the summary.</summary>
internal sealed record SeedResult(
    ulong Seed,
    IReadOnlyList<string> Violations,
    ulong TraceHash,
    long TraceEvents,
    TimeSpan Simulated,
    long Steps,
    int Committed,
    int Aborted,
    int Indeterminate,
    int Crashes,
    string Knobs,
    SimLoop Loop);

/// <summary>Runs the standard scenario for one seed. Everything is derived from the seed.</summary>
internal static class SeedRun
{
    /// <summary>The simulated epoch: a fixed date plus up to a year derived from the seed.</summary>
    private static readonly DateTimeOffset BaseEpoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static readonly TimeSpan SimulatedLimit = TimeSpan.FromHours(1);

    public static SeedResult Run(ulong seed, bool keepTrace, Action<string>? onStart = null) =>
        Run(seed, keepTrace, knobs => knobs, onStart);

    /// <summary>Runs a seed with its knobs adjusted (tests use it to plant bugs, e.g. no OCC validation).
    /// <paramref name="onStart"/> receives the derived knobs before the run begins.</summary>
    public static SeedResult Run(
        ulong seed, bool keepTrace, Func<ScenarioKnobs, ScenarioKnobs> adjust, Action<string>? onStart = null)
    {
        var knobsRandom = new Prng(seed).Fork("knobs");
        var epoch = BaseEpoch + TimeSpan.FromSeconds(knobsRandom.NextInt(0, 365 * 24 * 3600));
        var loop = new SimLoop(seed, epoch, keepTrace);
        var knobs = adjust(ScenarioKnobs.Derive(knobsRandom));
        var device = StorageDevices.Create(loop, knobsRandom.Fork("disk"));
        var description = $"{knobs.Workload} | {knobs.Faults} | attempts<={knobs.Database.MutationAttemptsMax} " +
            $"writelog<={knobs.Database.WriteLogCommitsMax} page={knobs.Database.ScanPageRows} | disk: {device.Describe()}";
        onStart?.Invoke(description);
        var scenario = new ListAppendScenario(loop, device, knobs);
        var outcome = loop.Run(scenario.RunAsync, SimulatedLimit);

        var violations = new List<string>(scenario.Violations);
        if (outcome != RunOutcome.Completed)
        {
            violations.Add($"Run {outcome}: {loop.Failure?.ToString() ?? "the scenario did not finish"}");
        }

        var history = scenario.History;
        return new SeedResult(seed, violations, loop.Trace.Hash, loop.Trace.Count, loop.Elapsed, loop.Steps,
            history.Committed, history.Aborted, history.Indeterminate, scenario.Node?.Crashes ?? 0,
            description,
            loop);
    }
}
