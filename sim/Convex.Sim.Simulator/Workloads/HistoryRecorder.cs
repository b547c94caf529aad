using Convex.Sim.Core;
using Convex.Sim.Simulator.Checkers;

namespace Convex.Sim.Simulator.Workloads;

/// <summary>
/// Collects the transactions of a run in the order they began, with unique ids and unique appended
/// elements. Everything runs on the simulator thread, so no locking is needed.
/// </summary>
internal sealed class HistoryRecorder(Action<string>? trace = null)
{
    private readonly List<HistoryTransaction?> _transactions = [];
    private readonly List<int> _processes = [];
    private long _nextElement = 1;

    public int Count => _transactions.Count;

    public int Committed { get; private set; }

    public int Aborted { get; private set; }

    public int Indeterminate { get; private set; }

    public long NextElement() => _nextElement++;

    public int Begin(int process)
    {
        _transactions.Add(null);
        _processes.Add(process);
        return _transactions.Count - 1;
    }

    public void End(int id, TransactionOutcome outcome, IReadOnlyList<MicroOp> ops, ulong? commitTs)
    {
        Invariant.Assert(_transactions[id] is null);
        Invariant.Assert((outcome == TransactionOutcome.Committed) == commitTs.HasValue);
        _transactions[id] = new HistoryTransaction(id, _processes[id], outcome, [.. ops], commitTs);
        trace?.Invoke($"T{id} p{_processes[id]} {outcome} ts={commitTs} ops={ops.Count}");
        switch (outcome)
        {
            case TransactionOutcome.Committed:
                Committed++;
                break;
            case TransactionOutcome.Aborted:
                Aborted++;
                break;
            case TransactionOutcome.Indeterminate:
                Indeterminate++;
                break;
        }
    }

    /// <summary>The history; a transaction still open (its client was cut off) counts as indeterminate.</summary>
    public History ToHistory() => new([.. _transactions.Select((t, i) =>
        t ?? new HistoryTransaction(i, _processes[i], TransactionOutcome.Indeterminate, [], null))]);
}
