namespace Convex.Sim.Simulator.Checkers;

/// <summary>How a transaction ended, as its client saw it.</summary>
public enum TransactionOutcome
{
    /// <summary>Acknowledged, with a commit timestamp.</summary>
    Committed = 1,

    /// <summary>Definitely not applied (conflict, refused, failed before commit).</summary>
    Aborted = 2,

    /// <summary>Unknown: it may or may not have been applied, but never partially.</summary>
    Indeterminate = 3,
}

/// <summary>One step of a list-append transaction.</summary>
public abstract record MicroOp(string Key);

/// <summary>A read of a key's whole list (null: the read was not executed).</summary>
public sealed record ReadOp(string Key, IReadOnlyList<long>? Observed) : MicroOp(Key);

/// <summary>An append of an element, unique per key across the history.</summary>
public sealed record AppendOp(string Key, long Element) : MicroOp(Key);

/// <summary>A transaction of the history. <see cref="CommitTs"/> is set only for committed ones.</summary>
public sealed record HistoryTransaction(
    int Id, int Process, TransactionOutcome Outcome, IReadOnlyList<MicroOp> Ops, ulong? CommitTs)
{
    public bool Writes => Ops.Any(o => o is AppendOp);
}

/// <summary>A history: transactions with distinct ids.</summary>
public sealed record History(IReadOnlyList<HistoryTransaction> Transactions)
{
    public HistoryTransaction this[int id] => Transactions.First(t => t.Id == id);
}

/// <summary>One violated invariant, with the transactions that witness it.</summary>
public sealed record Anomaly(string Invariant, string Class, IReadOnlyList<int> Transactions, string Explanation);

/// <summary>The result of a checker: OK when no anomaly was found.</summary>
public sealed record CheckResult(IReadOnlyList<Anomaly> Anomalies)
{
    public bool Ok => Anomalies.Count == 0;

    public string Summary => Ok
        ? "ok"
        : string.Join("; ", Anomalies.GroupBy(a => a.Class).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key} x{g.Count()}"));

    public static CheckResult Of(IEnumerable<Anomaly> anomalies) => new([.. anomalies
        .OrderBy(a => a.Invariant, StringComparer.Ordinal)
        .ThenBy(a => a.Class, StringComparer.Ordinal)
        .ThenBy(a => string.Join(",", a.Transactions), StringComparer.Ordinal)]);
}
