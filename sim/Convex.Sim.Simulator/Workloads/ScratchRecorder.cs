using Convex.Sim.Simulator.Checkers;

namespace Convex.Sim.Simulator.Workloads;

/// <summary>
/// The scratch-table inserts and deletes of one client's transactions, keyed by history transaction
/// id. A client has one transaction open at a time, so the current one is simply the last begun.
/// </summary>
internal sealed class ScratchRecorder
{
    private readonly SortedDictionary<int, (List<string> Inserted, List<string> Deleted)> _byTransaction = [];
    private int _current = -1;

    public void Begin(int transaction)
    {
        _current = transaction;
        _byTransaction[transaction] = ([], []);
    }

    public void Inserted(string id) => _byTransaction[_current].Inserted.Add(id);

    public void Deleted(string id) => _byTransaction[_current].Deleted.Add(id);

    public IReadOnlyList<SetEffect> Effects(History history) => [.. _byTransaction
        .Where(kv => kv.Value.Inserted.Count + kv.Value.Deleted.Count > 0)
        .Select(kv => new SetEffect(kv.Key, history[kv.Key].Outcome, kv.Value.Inserted, kv.Value.Deleted))];
}
