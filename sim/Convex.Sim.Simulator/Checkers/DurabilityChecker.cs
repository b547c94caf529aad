namespace Convex.Sim.Simulator.Checkers;

/// <summary>
/// Checks the state found after recovery against the history.
/// <c>DurableCommits</c>: every element appended by an acknowledged transaction is there.
/// <c>NoAbortedWrite</c>: no element of an aborted transaction is there.
/// <c>AtomicCommits</c>: an indeterminate transaction's elements are all there or none are.
/// <c>NoLostCommittedState</c>: each key's final list extends every list a committed read observed.
/// </summary>
public static class DurabilityChecker
{
    public const string DurableCommits = "DurableCommits";
    public const string NoAbortedWrite = "NoAbortedWrite";
    public const string AtomicCommits = "AtomicCommits";
    public const string NoLostCommittedState = "NoLostCommittedState";

    public static CheckResult Check(History history, IReadOnlyDictionary<string, IReadOnlyList<long>> finalState)
    {
        var present = finalState.SelectMany(kv => kv.Value.Select(e => (kv.Key, e))).ToHashSet();
        var anomalies = new List<Anomaly>();
        foreach (var transaction in history.Transactions.OrderBy(t => t.Id))
        {
            var appends = transaction.Ops.OfType<AppendOp>().ToList();
            var found = appends.Count(a => present.Contains((a.Key, a.Element)));
            switch (transaction.Outcome)
            {
                case TransactionOutcome.Committed when found < appends.Count:
                    var missing = appends.First(a => !present.Contains((a.Key, a.Element)));
                    anomalies.Add(new Anomaly(DurableCommits, "LostWrite", [transaction.Id],
                        $"acknowledged T{transaction.Id} (ts {transaction.CommitTs}) appended {missing.Element} to {missing.Key}, missing after recovery"));
                    break;
                case TransactionOutcome.Aborted when found > 0:
                    anomalies.Add(new Anomaly(NoAbortedWrite, "AbortedWritePresent", [transaction.Id],
                        $"aborted T{transaction.Id} has {found} of its appends present after recovery"));
                    break;
                case TransactionOutcome.Indeterminate when found > 0 && found < appends.Count:
                    anomalies.Add(new Anomaly(AtomicCommits, "PartialCommit", [transaction.Id],
                        $"indeterminate T{transaction.Id} has {found} of {appends.Count} appends present after recovery"));
                    break;
            }
        }

        CheckReadsAreKept(history, finalState, anomalies);
        return CheckResult.Of(anomalies);
    }

    private static void CheckReadsAreKept(
        History history, IReadOnlyDictionary<string, IReadOnlyList<long>> finalState, List<Anomaly> anomalies)
    {
        var committedReads = history.Transactions
            .Where(t => t.Outcome == TransactionOutcome.Committed)
            .SelectMany(t => t.Ops.OfType<ReadOp>().Where(r => r.Observed is { Count: > 0 }).Select(r => (t.Id, Read: r)));
        foreach (var (id, read) in committedReads.GroupBy(x => x.Read.Key).Select(g => g.OrderByDescending(x => x.Read.Observed!.Count).First()))
        {
            var final = finalState.GetValueOrDefault(read.Key) ?? [];
            if (!read.Observed!.SequenceEqual(final.Take(read.Observed!.Count)))
            {
                anomalies.Add(new Anomaly(NoLostCommittedState, "LostState", [id],
                    $"T{id} read {read.Key} = {SerializabilityChecker.Show(read.Observed!)}, but after recovery it is {SerializabilityChecker.Show(final)}"));
            }
        }
    }
}
