using Convex.Sim.Simulator.Checkers;

namespace Convex.Sim.Simulator.Tests.Checkers;

/// <summary>Builds histories by hand: <c>h.Committed(ts, R("x", 1, 2), A("x", 3))</c>.</summary>
internal sealed class HistoryBuilder
{
    private readonly List<HistoryTransaction> _transactions = [];

    public static ReadOp R(string key, params long[] observed) => new(key, observed);

    public static AppendOp A(string key, long element) => new(key, element);

    public int Committed(ulong ts, params MicroOp[] ops) => Add(TransactionOutcome.Committed, ts, ops);

    public int Aborted(params MicroOp[] ops) => Add(TransactionOutcome.Aborted, null, ops);

    public int Indeterminate(params MicroOp[] ops) => Add(TransactionOutcome.Indeterminate, null, ops);

    public History Build() => new([.. _transactions]);

    private int Add(TransactionOutcome outcome, ulong? ts, MicroOp[] ops)
    {
        var id = _transactions.Count;
        _transactions.Add(new HistoryTransaction(id, id % 3, outcome, ops, ts));
        return id;
    }
}
