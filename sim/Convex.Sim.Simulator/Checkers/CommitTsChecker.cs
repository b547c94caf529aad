namespace Convex.Sim.Simulator.Checkers;

/// <summary>
/// <c>MonotonicCommitTs</c>: the database serialises transactions in commit-timestamp order, so
/// (1) writing transactions have distinct commit timestamps, and (2) every inferred dependency
/// edge a → b between committed transactions goes forward: ts(a) ≤ ts(b), strictly when both wrote.
/// Why this holds for OCC: a reader's "commit" timestamp is its snapshot when it wrote nothing; a
/// writer that read a version older than some other writer's commit would have failed validation
/// unless it committed first. Edges into read-only transactions may tie (a snapshot equals the
/// writer's commit timestamp).
/// </summary>
public static class CommitTsChecker
{
    public const string MonotonicCommitTs = "MonotonicCommitTs";

    public static CheckResult Check(History history) => Check(history, SerializabilityChecker.Dependencies(history));

    /// <summary>Checks the history against <paramref name="dependencies"/>, the edges inferred from it
    /// (<see cref="SerializabilityChecker.Check(History, out IReadOnlyList{Dependency})"/> hands them back).</summary>
    public static CheckResult Check(History history, IReadOnlyList<Dependency> dependencies)
    {
        var anomalies = new List<Anomaly>();
        var committed = history.Transactions.Where(t => t.Outcome == TransactionOutcome.Committed).ToDictionary(t => t.Id);
        foreach (var clash in committed.Values.Where(t => t.Writes).GroupBy(t => t.CommitTs).Where(g => g.Count() > 1))
        {
            anomalies.Add(new Anomaly(MonotonicCommitTs, "DuplicateCommitTs", [.. clash.Select(t => t.Id).Order()],
                $"writing transactions share commit timestamp {clash.Key}"));
        }

        foreach (var edge in dependencies)
        {
            if (!committed.TryGetValue(edge.From, out var a) || !committed.TryGetValue(edge.To, out var b))
            {
                continue;
            }

            var forward = a.Writes && b.Writes ? a.CommitTs < b.CommitTs : a.CommitTs <= b.CommitTs;
            if (!forward)
            {
                anomalies.Add(new Anomaly(MonotonicCommitTs, "BackwardDependency", [a.Id, b.Id],
                    $"T{a.Id} (ts {a.CommitTs}) -{edge.Kind}({edge.Key})-> T{b.Id} (ts {b.CommitTs}) goes back in commit order"));
            }
        }

        return CheckResult.Of(anomalies);
    }
}
