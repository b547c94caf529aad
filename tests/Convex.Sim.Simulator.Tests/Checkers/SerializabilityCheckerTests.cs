using Convex.Sim.Simulator.Checkers;
using static Convex.Sim.Simulator.Tests.Checkers.HistoryBuilder;

namespace Convex.Sim.Simulator.Tests.Checkers;

/// <summary>Each anomaly class planted in a hand-built history must be reported under its name.</summary>
public sealed class SerializabilityCheckerTests
{
    private static Anomaly Single(History history, string invariant, string kind)
    {
        var result = SerializabilityChecker.Check(history);
        Assert.False(result.Ok);
        return Assert.Single(result.Anomalies, a => a.Invariant == invariant && a.Class == kind);
    }

    [Fact]
    public void G0_write_cycle_is_reported()
    {
        // T0 then T1 on x, but T1 then T0 on y: the two appends interleave in opposite orders.
        var h = new HistoryBuilder();
        h.Committed(1, A("x", 1), A("y", 2));
        h.Committed(2, A("x", 3), A("y", 4));
        h.Committed(3, R("x", 1, 3), R("y", 4, 2));
        var anomaly = Single(h.Build(), SerializabilityChecker.Serializable, "G0");
        Assert.Equal([0, 1], anomaly.Transactions.Order());
    }

    [Fact]
    public void G1a_aborted_read_is_reported()
    {
        var h = new HistoryBuilder();
        var aborted = h.Aborted(A("x", 1));
        var reader = h.Committed(2, R("x", 1));
        var anomaly = Single(h.Build(), SerializabilityChecker.NoAbortedRead, "G1a");
        Assert.Equal([aborted, reader], anomaly.Transactions);
    }

    [Fact]
    public void G1b_intermediate_read_is_reported()
    {
        var h = new HistoryBuilder();
        h.Committed(1, A("x", 1), A("x", 2));
        h.Committed(2, R("x", 1));
        h.Committed(3, R("x", 1, 2));
        Single(h.Build(), SerializabilityChecker.NoIntermediateRead, "G1b");
    }

    [Fact]
    public void G1c_circular_information_flow_is_reported()
    {
        // T0 reads T1's append to y, T1 reads T0's append to x: each saw the other.
        var h = new HistoryBuilder();
        h.Committed(1, A("x", 1), R("y", 2));
        h.Committed(2, A("y", 2), R("x", 1));
        Single(h.Build(), SerializabilityChecker.Serializable, "G1c");
    }

    [Fact]
    public void G_single_read_skew_is_reported()
    {
        // T0 saw x before T1's append but y after it: one anti-dependency closes the cycle.
        var h = new HistoryBuilder();
        h.Committed(1, A("x", 1), A("y", 2));
        h.Committed(2, A("x", 3), A("y", 4));
        h.Committed(3, R("x", 1), R("y", 2, 4));
        h.Committed(4, R("x", 1, 3));
        Single(h.Build(), SerializabilityChecker.Serializable, "G-single");
    }

    [Fact]
    public void G2_item_write_skew_is_reported()
    {
        // Each read the other's key empty and appended to its own: two anti-dependencies.
        var h = new HistoryBuilder();
        h.Committed(1, R("x"), A("y", 1));
        h.Committed(2, R("y"), A("x", 2));
        h.Committed(3, R("x", 2), R("y", 1));
        Single(h.Build(), SerializabilityChecker.Serializable, "G2-item");
    }

    [Fact]
    public void Lost_update_is_reported()
    {
        var h = new HistoryBuilder();
        h.Committed(1, A("x", 1));
        var first = h.Committed(2, R("x", 1), A("x", 2));
        var second = h.Committed(3, R("x", 1), A("x", 3));
        h.Committed(4, R("x", 1, 2, 3));
        var anomaly = Single(h.Build(), SerializabilityChecker.NoLostUpdate, "LostUpdate");
        Assert.Equal([first, second], anomaly.Transactions);
    }

    [Fact]
    public void Incompatible_orders_are_reported()
    {
        var h = new HistoryBuilder();
        h.Committed(1, A("x", 1));
        h.Committed(2, A("x", 2));
        h.Committed(3, R("x", 1, 2));
        h.Committed(4, R("x", 2, 1));
        Assert.Contains(SerializabilityChecker.Check(h.Build()).Anomalies, a => a.Class == "IncompatibleOrder");
    }

    [Fact]
    public void Duplicate_elements_and_internal_inconsistency_are_reported()
    {
        var h = new HistoryBuilder();
        h.Committed(1, A("x", 1));
        h.Committed(2, A("x", 1));
        h.Committed(3, A("y", 5), R("y"));
        var classes = SerializabilityChecker.Check(h.Build()).Anomalies.Select(a => a.Class).ToList();
        Assert.Contains("DuplicateElement", classes);
        Assert.Contains("InternalInconsistency", classes);
    }

    [Fact]
    public void Serializable_histories_report_nothing()
    {
        var h = new HistoryBuilder();
        h.Committed(1, A("x", 1), R("x", 1));
        h.Committed(2, R("x", 1), A("y", 2));
        h.Aborted(A("x", 99));
        h.Indeterminate(A("x", 3));
        h.Indeterminate(A("y", 77));
        h.Committed(3, R("x", 1, 3), R("y", 2));
        h.Committed(4, R("x", 1, 3), A("x", 4), R("x", 1, 3, 4));
        Assert.True(SerializabilityChecker.Check(h.Build()).Ok);
    }

    [Fact]
    public void Commit_timestamps_must_follow_dependencies()
    {
        var h = new HistoryBuilder();
        h.Committed(5, A("x", 1));
        h.Committed(3, R("x", 1), A("y", 2)); // read T0's write but committed before it
        var result = CommitTsChecker.Check(h.Build());
        Assert.Single(result.Anomalies, a => a.Invariant == CommitTsChecker.MonotonicCommitTs && a.Class == "BackwardDependency");

        var ok = new HistoryBuilder();
        ok.Committed(3, A("x", 1));
        ok.Committed(3, R("x", 1)); // a read-only transaction at the writer's timestamp
        ok.Committed(5, R("x", 1), A("y", 2));
        Assert.True(CommitTsChecker.Check(ok.Build()).Ok);
    }
}
