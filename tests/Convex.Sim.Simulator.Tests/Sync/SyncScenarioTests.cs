using Convex.Sim.Simulator.Sync;
using Convex.Sim.Simulator.Workloads;

namespace Convex.Sim.Simulator.Tests.Sync;

/// <summary>The sync scenario end to end: clean seeds, determinism, and a planted client bug caught by its checker.</summary>
public sealed class SyncScenarioTests
{
    private static ScenarioKnobs Sync(ScenarioKnobs knobs) => knobs with { Kind = ScenarioKind.Sync };

    [Theory]
    [InlineData(1UL)]
    [InlineData(4UL)]
    [InlineData(6UL)]
    public void Sync_seeds_pass_every_checker_and_replay_identically(ulong seed)
    {
        var first = SeedRun.Run(seed, keepTrace: true, Sync);
        var second = SeedRun.Run(seed, keepTrace: true, Sync);

        Assert.Empty(first.Violations);
        Assert.True(first.Committed > 0);
        Assert.Equal(first.TraceHash, second.TraceHash);
        Assert.Null(Tracing.SimTrace.FirstDivergence(first.Loop.Trace, second.Loop.Trace));
        Assert.Contains("sync net:", first.Knobs, StringComparison.Ordinal);
        // The session is told the client's version: the official client's own, else the simulated client's.
        var version = first.Knobs.Contains("client=official", StringComparison.Ordinal) ? " client 1.48.0" : " client 1.31.0";
        Assert.Contains(first.Loop.Trace.Events, e => e.Contains(version, StringComparison.Ordinal));
    }

    [Fact]
    public void A_client_resolving_mutations_on_the_response_is_caught_by_MutationResolvedAfterVisible()
    {
        // The planted bug: the client resolves on MutationResponse instead of the covering transition (§3.7.2).
        var found = Enumerable.Range(1, 4)
            .Select(s => SeedRun.Run((ulong)s, keepTrace: false,
                knobs => Sync(knobs) with { Sync = knobs.Sync with { Bug = PlantedClientBug.ResolveOnResponse } }))
            .SelectMany(r => r.Violations)
            .ToList();

        Assert.Contains(found, v => v.StartsWith("MutationResolvedAfterVisible", StringComparison.Ordinal));
    }

    [Fact]
    public void Chunked_transitions_and_authentication_changes_pass_every_checker()
    {
        // Every transition over 48 bytes is chunked; a fifth of the operations change the identity,
        // a third of those with a wrong admin key (refused with AuthError, after which the client
        // reconnects without it).
        var runs = Enumerable.Range(1, 4).Select(s => SeedRun.Run((ulong)s, keepTrace: true, knobs => Sync(knobs) with
        {
            Sync = knobs.Sync with { ChunkBytesMax = 48, AuthPercent = 20, WrongKeyPercent = 33, OpsPerClient = 25 },
        })).ToList();
        var events = runs.SelectMany(r => r.Loop.Trace.Events).ToList();

        Assert.All(runs, r => Assert.Empty(r.Violations));
        Assert.Contains(events, e => e.Contains("transition joined from", StringComparison.Ordinal));
        Assert.Contains(events, e => e.Contains("auth refused: The provided admin key was invalid", StringComparison.Ordinal));
        Assert.Contains(events, e => e.Contains("set auth", StringComparison.Ordinal));
        Assert.Contains(events, e => e.Contains("clear auth", StringComparison.Ordinal));
        Assert.True(runs.Sum(r => r.Committed) > 0);
    }

    [Fact]
    public void One_seed_in_three_runs_the_sync_scenario_and_the_list_append_seeds_keep_their_knobs()
    {
        var sync = Enumerable.Range(1, 30).Count(s =>
        {
            var knobs = "";
            SeedRun.Run((ulong)s, keepTrace: false, k => k with { Workload = k.Workload with { TransactionsPerClient = 0 },
                Sync = k.Sync with { OpsPerClient = 0, Clients = 0 } }, d => knobs = d);
            return knobs.Contains("sync net:", StringComparison.Ordinal);
        });
        Assert.InRange(sync, 3, 15);
    }

    [Fact]
    public void The_cli_forces_a_scenario()
    {
        var output = new StringWriter();
        SimulatorCli.Run(["run", "--seed", "2", "--scenario", "sync"], output);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("seed 2: clients=", lines[0], StringComparison.Ordinal);
        Assert.Contains("sync net:", lines[0], StringComparison.Ordinal);

        Assert.Equal(2, SimulatorCli.Run(["run", "--seed", "2", "--scenario", "chaos"], new StringWriter()));
    }
}
