using Convex.Sim.Simulator.Checkers;
using Convex.Sim.Simulator.Checkers.Sync;
using static Convex.Sim.Simulator.Tests.Sync.SyncHistoryBuilder;

namespace Convex.Sim.Simulator.Tests.Sync;

/// <summary>
/// The sync checkers on hand-built histories: a correct history passes all of them, and each
/// checker reports the bad history it exists for (so every checker can fail).
/// The data: key "k" gets element 1 at ts 10, element 2 at ts 20, element 3 at ts 30.
/// </summary>
public sealed class SyncCheckerTests
{
    private static readonly QueryOracle Oracle = QueryOracle.FromCommits([(Ts(10), "k", 1L), (Ts(20), "k", 2L), (Ts(30), "k", 3L)]);

    private static SyncHistoryBuilder Good() => new SyncHistoryBuilder()
        .Transition(0, 10, [Result("k", 1)], [Result("k", 1)])
        .Transition(10, 20, [Result("k", 1, 2)], [Result("k", 1, 2)], maxObservedBefore: 20)
        .Transition(20, 30, [Result("k", 1, 2, 3)], [Result("k", 1, 2, 3)], maxObservedBefore: 20)
        .Request(0, 2, RequestOutcome.Succeeded, responseTs: 20, resolvedAt: 20, held: QueryResult.Of(1, 2))
        .Request(1, 3, RequestOutcome.Succeeded, responseTs: 30, resolvedAt: 30, held: QueryResult.Of(1, 2, 3))
        .Request(2, 1, RequestOutcome.Succeeded, kind: RequestKind.Action, resolvedAt: 10)
        .Request(3, 4, RequestOutcome.Failed)
        .Final(30, Result("k", 1, 2, 3))
        .Data("k", 1, 2, 3);

    private static IEnumerable<CheckResult> All(SyncHistory history, QueryOracle oracle) =>
    [
        OneTimestampPerTransitionChecker.Check(history, oracle),
        MonotonicTimestampsChecker.Check(history),
        MutationResolvedAfterVisibleChecker.Check(history, oracle),
        NoPhantomUpdateChecker.Check(history, oracle),
        NoMissedUpdateChecker.Check(history, oracle),
        ExactlyOnceMutationChecker.Check(history),
    ];

    [Fact]
    public void A_correct_history_passes_every_checker()
    {
        Assert.All(All(Good().Build(), Oracle), r => Assert.True(r.Ok, r.Summary));
    }

    [Fact]
    public void A_result_left_at_an_older_timestamp_breaks_OneTimestampPerTransition()
    {
        // The transition to ts 20 changes key "j" but leaves the held result of "k" at its ts-10 value.
        var history = new SyncHistoryBuilder()
            .Transition(0, 10, [Result("k", 1)], [Result("k", 1)])
            .Transition(10, 20, [], [Result("k", 1)])
            .Build();
        var result = OneTimestampPerTransitionChecker.Check(history, Oracle);
        Assert.Single(result.Anomalies, a => a.Invariant == OneTimestampPerTransitionChecker.Name);
        Assert.True(NoPhantomUpdateChecker.Check(history, Oracle).Ok); // nothing wrong was shown, something was missed
    }

    [Fact]
    public void A_system_error_result_is_not_a_claim_about_the_data()
    {
        var history = new SyncHistoryBuilder()
            .Transition(0, 10, [new ObservedResult(0, "k", QueryResult.Failed("Server Error"))],
                [new ObservedResult(0, "k", QueryResult.Failed("Server Error"))])
            .Build();
        Assert.True(OneTimestampPerTransitionChecker.Check(history, Oracle).Ok);
        Assert.True(NoPhantomUpdateChecker.Check(history, Oracle).Ok);
    }

    [Fact]
    public void A_result_the_data_never_had_breaks_NoPhantomUpdate()
    {
        // Element 9 was never committed (say, a mutation that failed after the result was computed).
        var history = new SyncHistoryBuilder()
            .Transition(0, 10, [Result("k", 1, 9)], [Result("k", 1, 9)])
            .Build();
        Assert.Single(NoPhantomUpdateChecker.Check(history, Oracle).Anomalies, a => a.Invariant == NoPhantomUpdateChecker.Name);
        // A result from the future is a phantom too: at ts 10 the key does not have element 2 yet.
        var future = new SyncHistoryBuilder().Transition(0, 10, [Result("k", 1, 2)], [Result("k", 1, 2)]).Build();
        Assert.False(NoPhantomUpdateChecker.Check(future, Oracle).Ok);
    }

    [Fact]
    public void Going_back_in_time_breaks_MonotonicTimestamps()
    {
        var onConnection = new SyncHistoryBuilder()
            .Transition(0, 20, [Result("k", 1, 2)], [Result("k", 1, 2)])
            .Transition(20, 10, [Result("k", 1)], [Result("k", 1)])
            .Build();
        var result = MonotonicTimestampsChecker.Check(onConnection);
        Assert.Contains(result.Anomalies, a => a.Class == "BackwardsTransition");
        Assert.Contains(result.Anomalies, a => a.Class == "BackwardsOnConnection");

        // A new connection may restart from version 0, but never below what the client already observed.
        var acrossReconnect = new SyncHistoryBuilder()
            .Transition(0, 20, [Result("k", 1, 2)], [Result("k", 1, 2)], connection: 1)
            .Transition(0, 10, [Result("k", 1)], [Result("k", 1)], connection: 2, maxObservedBefore: 20)
            .Build();
        Assert.Single(MonotonicTimestampsChecker.Check(acrossReconnect).Anomalies,
            a => a.Invariant == MonotonicTimestampsChecker.Name && a.Class == "BackwardsAcrossReconnect");
    }

    [Fact]
    public void Resolving_a_mutation_before_its_writes_are_visible_breaks_MutationResolvedAfterVisible()
    {
        // Committed at ts 20, resolved while the client's results were still at ts 10 (on the response).
        var early = new SyncHistoryBuilder()
            .Request(0, 2, RequestOutcome.Succeeded, responseTs: 20, resolvedAt: 10, held: QueryResult.Of(1))
            .Build();
        var result = MutationResolvedAfterVisibleChecker.Check(early, Oracle);
        Assert.Contains(result.Anomalies, a => a.Invariant == MutationResolvedAfterVisibleChecker.Name && a.Class == "ResolvedEarly");
        Assert.Contains(result.Anomalies, a => a.Class == "NotInClientResult");

        // Resolved at a later ts, but the element is not in the data there (the commit was lost).
        var invisible = new SyncHistoryBuilder()
            .Request(0, 7, RequestOutcome.Succeeded, responseTs: 20, resolvedAt: 30)
            .Build();
        Assert.Single(MutationResolvedAfterVisibleChecker.Check(invisible, Oracle).Anomalies, a => a.Class == "NotVisible");
    }

    [Fact]
    public void A_stale_subscription_at_quiescence_breaks_NoMissedUpdate()
    {
        var history = new SyncHistoryBuilder().Final(30, Result("k", 1, 2)).Build();
        Assert.Single(NoMissedUpdateChecker.Check(history, Oracle).Anomalies, a => a.Invariant == NoMissedUpdateChecker.Name);
        var failed = new SyncHistoryBuilder().Final(30, new ObservedResult(0, "k", QueryResult.Failed("Server Error"))).Build();
        Assert.False(NoMissedUpdateChecker.Check(failed, Oracle).Ok); // the server is healthy: an error now is stale
    }

    [Fact]
    public void A_mutation_applied_twice_or_an_error_that_applied_breaks_ExactlyOnceMutation()
    {
        var twice = new SyncHistoryBuilder().Request(0, 1, RequestOutcome.Succeeded, 10, 10).Data("k", 1, 1).Build();
        Assert.Single(ExactlyOnceMutationChecker.Check(twice).Anomalies, a => a.Invariant == ExactlyOnceMutationChecker.Name && a.Class == "Duplicate");

        var lost = new SyncHistoryBuilder().Request(0, 1, RequestOutcome.Succeeded, 10, 10).Data("k").Build();
        Assert.Single(ExactlyOnceMutationChecker.Check(lost).Anomalies, a => a.Class == "Lost");

        var failedButApplied = new SyncHistoryBuilder().Request(0, 1, RequestOutcome.Failed).Data("k", 1).Build();
        Assert.Single(ExactlyOnceMutationChecker.Check(failedButApplied).Anomalies, a => a.Class == "Unexpected");

        var unknown = new SyncHistoryBuilder().Data("k", 5).Build();
        Assert.Single(ExactlyOnceMutationChecker.Check(unknown).Anomalies, a => a.Class == "Unknown");
    }

    [Fact]
    public void An_action_lost_with_its_connection_may_have_run_once_but_not_twice()
    {
        var once = new SyncHistoryBuilder().Request(0, 1, RequestOutcome.Failed, kind: RequestKind.Action).Data("k", 1).Build();
        Assert.True(ExactlyOnceMutationChecker.Check(once).Ok);
        var twice = new SyncHistoryBuilder().Request(0, 1, RequestOutcome.Failed, kind: RequestKind.Action).Data("k", 1, 1).Build();
        Assert.False(ExactlyOnceMutationChecker.Check(twice).Ok);
    }

    [Fact]
    public void The_oracle_is_asked_about_every_shown_held_resolved_and_final_result()
    {
        var needed = QueryOracle.Needed(Good().Build());
        Assert.Equal([("k", Ts(10)), ("k", Ts(20)), ("k", Ts(30))], needed);
    }
}
