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

public sealed class SetCheckerTests
{
    private static SetEffect E(int t, TransactionOutcome o, string[] ins, string[] del) => new(t, o, ins, del);

    [Fact]
    public void A_consistent_set_is_accepted()
    {
        var effects = new[]
        {
            E(0, TransactionOutcome.Committed, ["a", "b"], []),
            E(1, TransactionOutcome.Committed, [], ["a"]),
            E(2, TransactionOutcome.Aborted, ["c"], ["b"]),
            E(3, TransactionOutcome.Indeterminate, ["d"], []),
        };
        Assert.True(SetChecker.Check(effects, new HashSet<string> { "b" }).Ok);
        Assert.True(SetChecker.Check(effects, new HashSet<string> { "b", "d" }).Ok);
    }

    [Fact]
    public void Lost_inserts_lost_deletes_aborted_inserts_and_double_deletes_are_reported()
    {
        var effects = new[]
        {
            E(0, TransactionOutcome.Committed, ["a", "b"], []),
            E(1, TransactionOutcome.Committed, [], ["a"]),
            E(2, TransactionOutcome.Committed, [], ["a"]),
            E(3, TransactionOutcome.Aborted, ["c"], []),
        };
        var result = SetChecker.Check(effects, new HashSet<string> { "a", "c" });
        var classes = result.Anomalies.Select(a => a.Class).ToList();
        Assert.Contains("LostInsert", classes);           // b
        Assert.Contains("LostDelete", classes);           // a is still there
        Assert.Contains("AbortedInsertPresent", classes); // c
        Assert.Contains("DoubleDelete", classes);         // a deleted by T1 and T2
    }
}
