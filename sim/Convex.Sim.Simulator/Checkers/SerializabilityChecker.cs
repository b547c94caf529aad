namespace Convex.Sim.Simulator.Checkers;

/// <summary>
/// An Elle-style checker for list-append histories (Kingsbury and Alvaro, "Elle", VLDB 2020).
///
/// Goal: decide whether the committed history is serializable, and if not, name the anomaly.
/// Method: appends are unique, so every read of a key reveals a prefix of that key's version order;
/// the longest read is the order (all reads must be prefixes of it: <c>IncompatibleOrder</c>).
/// From the order we infer, among applied transactions (committed, or indeterminate but observed):
/// ww edges between consecutive appends, wr edges from the writer of a read's last element, and
/// rw edges from a reader to the writer of the element right after what it read. A cycle in that
/// graph is a serializability violation, classified as G0, G1c, G-single or G2-item. Non-cyclic
/// anomalies are reported too: G1a (aborted read), G1b (intermediate read), lost update,
/// duplicate elements and internal inconsistency.
/// </summary>
public static class SerializabilityChecker
{
    public const string Serializable = "SerializableHistory";
    public const string NoAbortedRead = "NoAbortedRead";
    public const string NoIntermediateRead = "NoIntermediateRead";
    public const string NoLostUpdate = "NoLostUpdate";

    public static CheckResult Check(History history) => Check(history, out _);

    /// <summary>Checks the history and hands back the dependency edges it inferred, so that the
    /// commit-timestamp checker need not infer them again.</summary>
    public static CheckResult Check(History history, out IReadOnlyList<Dependency> dependencies)
    {
        var anomalies = new List<Anomaly>();
        var model = ListAppendModel.Build(history, anomalies);
        CheckReads(model, anomalies);
        CheckLostUpdates(model, anomalies);
        var graph = model.Graph();
        dependencies = [.. graph.Edges];
        foreach (var (kind, cycle) in graph.Cycles())
        {
            anomalies.Add(new Anomaly(Serializable, kind, [.. cycle.Select(e => e.From)], Describe(kind, cycle)));
        }

        return CheckResult.Of(anomalies);
    }

    /// <summary>The dependency edges inferred from a history (used by the commit-timestamp checker).</summary>
    public static IReadOnlyList<Dependency> Dependencies(History history) =>
        [.. ListAppendModel.Build(history, []).Graph().Edges];

    private static void CheckReads(ListAppendModel model, List<Anomaly> anomalies)
    {
        foreach (var read in model.Reads)
        {
            var external = read.External;
            if (external.Count == 0)
            {
                continue;
            }

            var last = external[^1];
            if (!model.Writers.TryGetValue((read.Key, last), out var writer))
            {
                continue;
            }

            if (model.History[writer.Transaction].Outcome == TransactionOutcome.Aborted)
            {
                anomalies.Add(new Anomaly(NoAbortedRead, "G1a", [writer.Transaction, read.Transaction],
                    $"T{read.Transaction} read {read.Key} = {Show(external)}, including {last} appended by aborted T{writer.Transaction}"));
            }
            else if (!writer.IsLastAppendToKey)
            {
                anomalies.Add(new Anomaly(NoIntermediateRead, "G1b", [writer.Transaction, read.Transaction],
                    $"T{read.Transaction} read {read.Key} = {Show(external)}, ending at {last}, an intermediate append of T{writer.Transaction}"));
            }
        }
    }

    private static void CheckLostUpdates(ListAppendModel model, List<Anomaly> anomalies)
    {
        var readThenWrote = model.Reads
            .Where(r => model.IsApplied(r.Transaction) && model.AppendsTo(r.Transaction, r.Key) && r.IsBeforeOwnAppends)
            .GroupBy(r => (r.Key, Version: r.External.Count))
            .Where(g => g.Select(r => r.Transaction).Distinct().Count() > 1)
            .OrderBy(g => g.Key.Key, StringComparer.Ordinal).ThenBy(g => g.Key.Version);
        foreach (var group in readThenWrote)
        {
            var transactions = group.Select(r => r.Transaction).Distinct().Order().ToList();
            anomalies.Add(new Anomaly(NoLostUpdate, "LostUpdate", transactions,
                $"T{string.Join(", T", transactions)} all read version {group.Key.Version} of {group.Key.Key} and all appended to it"));
        }
    }

    private static string Describe(string kind, IReadOnlyList<Dependency> cycle) =>
        $"{kind} cycle: " + string.Join(" ", cycle.Select(e => $"T{e.From} -{Short(e.Kind)}({e.Key})->")) + $" T{cycle[0].From}";

    private static string Short(DependencyKind kind) => kind switch
    {
        DependencyKind.WriteWrite => "ww",
        DependencyKind.WriteRead => "wr",
        DependencyKind.ReadWrite => "rw",
    };

    internal static string Show(IReadOnlyList<long> list) =>
        list.Count <= 6 ? $"[{string.Join(' ', list)}]" : $"[{list[0]} … {string.Join(' ', list.TakeLast(3))}] ({list.Count})";
}
