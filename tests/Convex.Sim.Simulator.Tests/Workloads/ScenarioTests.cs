using Convex.Sim.Simulator.Workloads;

namespace Convex.Sim.Simulator.Tests.Workloads;

/// <summary>The standard scenario end to end: determinism, and that its checkers catch a planted bug.</summary>
public sealed class ScenarioTests
{
    [Theory]
    [InlineData(1UL)]
    [InlineData(7UL)]
    [InlineData(41UL)]
    public void The_same_seed_gives_the_same_trace_and_outcome(ulong seed)
    {
        var first = SeedRun.Run(seed, keepTrace: true);
        var second = SeedRun.Run(seed, keepTrace: true);

        Assert.Empty(first.Violations);
        Assert.Equal(first.TraceHash, second.TraceHash);
        Assert.Equal(first.Committed, second.Committed);
        Assert.Equal(first.Steps, second.Steps);
        Assert.Null(Tracing.SimTrace.FirstDivergence(first.Loop.Trace, second.Loop.Trace));
        Assert.True(first.Committed > 0);
    }

    [Fact]
    public void Different_seeds_explore_different_runs()
    {
        var hashes = Enumerable.Range(1, 10).Select(s => SeedRun.Run((ulong)s, keepTrace: false).TraceHash).ToHashSet();
        Assert.Equal(10, hashes.Count);
    }

    [Fact]
    public void Without_read_set_validation_the_checkers_report_serializability_violations()
    {
        // The "gap" of specs/TransactionsGap.cfg, planted in the real database: commits skip OCC.
        var found = Enumerable.Range(1, 30)
            .Select(s => SeedRun.Run((ulong)s, keepTrace: false, GapKnobs))
            .SelectMany(r => r.Violations)
            .ToList();

        Assert.Contains(found, v => v.StartsWith("SerializableHistory", StringComparison.Ordinal)
            || v.StartsWith("NoLostUpdate", StringComparison.Ordinal));
        Assert.Contains(found, v => v.StartsWith("MonotonicCommitTs", StringComparison.Ordinal));
        Assert.Contains(found, v => v.Contains("(DoubleDelete)", StringComparison.Ordinal)); // deletes in the side table
    }

    [Theory]
    [InlineData(2UL)]
    [InlineData(3UL)]
    public void Transactions_made_by_JavaScript_mutations_commit_and_pass_the_checkers(ulong seed)
    {
        var result = SeedRun.Run(seed, keepTrace: false, AllJs);
        Assert.Empty(result.Violations);
        Assert.True(result.Committed > 0);
        Assert.Equal(result.TraceHash, SeedRun.Run(seed, keepTrace: false, AllJs).TraceHash);
    }

    [Fact]
    public void Without_read_set_validation_histories_made_by_JavaScript_show_violations()
    {
        var found = Enumerable.Range(1, 30)
            .Select(s => SeedRun.Run((ulong)s, keepTrace: false, knobs => GapKnobs(AllJs(knobs))))
            .SelectMany(r => r.Violations)
            .ToList();

        Assert.Contains(found, v => v.StartsWith("SerializableHistory", StringComparison.Ordinal)
            || v.StartsWith("NoLostUpdate", StringComparison.Ordinal));
    }

    private static ScenarioKnobs AllJs(ScenarioKnobs knobs) =>
        knobs with { Workload = knobs.Workload with { FunctionClientsPercent = 100 } };

    private static ScenarioKnobs GapKnobs(ScenarioKnobs knobs) =>
        knobs with { Database = knobs.Database with { ValidateReadSets = false } };
}
