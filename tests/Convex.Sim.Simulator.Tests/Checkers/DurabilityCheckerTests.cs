using Convex.Sim.Simulator.Checkers;
using static Convex.Sim.Simulator.Tests.Checkers.HistoryBuilder;

namespace Convex.Sim.Simulator.Tests.Checkers;

public sealed class DurabilityCheckerTests
{
    private static Dictionary<string, IReadOnlyList<long>> State(params (string Key, long[] Items)[] keys) =>
        keys.ToDictionary(k => k.Key, k => (IReadOnlyList<long>)k.Items);

    private static History Sample()
    {
        var h = new HistoryBuilder();
        h.Committed(1, A("x", 1), A("y", 2));
        h.Aborted(A("x", 3));
        h.Indeterminate(A("x", 4), A("y", 5));
        h.Committed(2, R("x", 1));
        return h.Build();
    }

    [Fact]
    public void A_complete_recovery_is_accepted_with_or_without_the_indeterminate_transaction()
    {
        Assert.True(DurabilityChecker.Check(Sample(), State(("x", [1]), ("y", [2]))).Ok);
        Assert.True(DurabilityChecker.Check(Sample(), State(("x", [1, 4]), ("y", [2, 5]))).Ok);
    }

    [Fact]
    public void A_lost_acknowledged_append_is_reported()
    {
        var result = DurabilityChecker.Check(Sample(), State(("x", [1])));
        Assert.Single(result.Anomalies, a => a.Invariant == DurabilityChecker.DurableCommits);
    }

    [Fact]
    public void A_present_aborted_append_is_reported()
    {
        var result = DurabilityChecker.Check(Sample(), State(("x", [1, 3]), ("y", [2])));
        Assert.Single(result.Anomalies, a => a.Invariant == DurabilityChecker.NoAbortedWrite);
    }

    [Fact]
    public void A_half_applied_indeterminate_transaction_is_reported()
    {
        var result = DurabilityChecker.Check(Sample(), State(("x", [1, 4]), ("y", [2])));
        Assert.Single(result.Anomalies, a => a.Invariant == DurabilityChecker.AtomicCommits);
    }

    [Fact]
    public void State_that_goes_back_behind_a_committed_read_is_reported()
    {
        var h = new HistoryBuilder();
        h.Committed(1, A("x", 1));
        h.Committed(2, R("x", 1));
        var result = DurabilityChecker.Check(h.Build(), State(("x", [7, 1])));
        Assert.Contains(result.Anomalies, a => a.Invariant == DurabilityChecker.NoLostCommittedState);
    }
}
