namespace Convex.Sim.Simulator.Checkers;

/// <summary>
/// What a list-append history reveals: who appended each element, the version order of each key,
/// and every read split into its external part (what it saw of other transactions) and its own
/// appends. Structural anomalies found while building (duplicates, incompatible orders, internal
/// inconsistency) are added to the given list.
/// </summary>
internal sealed class ListAppendModel
{
    private readonly Dictionary<int, HistoryTransaction> _byId;
    private readonly HashSet<int> _observed = [];

    /// <summary>Keys that an indeterminate transaction appended to.</summary>
    private readonly HashSet<string> _uncertainKeys = new(StringComparer.Ordinal);

    private ListAppendModel(History history)
    {
        _byId = history.Transactions.ToDictionary(t => t.Id);
    }

    public IReadOnlyDictionary<int, HistoryTransaction> History => _byId;

    public Dictionary<(string Key, long Element), Writer> Writers { get; } = [];

    public SortedDictionary<string, IReadOnlyList<long>> Orders { get; } = new(StringComparer.Ordinal);

    public List<Read> Reads { get; } = [];

    public static ListAppendModel Build(History history, List<Anomaly> anomalies)
    {
        var model = new ListAppendModel(history);
        model.IndexAppends(anomalies);
        model.CollectReads(anomalies);
        model.BuildOrders(anomalies);
        return model;
    }

    /// <summary>Committed, or indeterminate with at least one append observed by a committed transaction's read.</summary>
    public bool IsApplied(int transaction) => _byId[transaction].Outcome switch
    {
        TransactionOutcome.Committed => true,
        TransactionOutcome.Indeterminate => _observed.Contains(transaction),
        TransactionOutcome.Aborted => false,
    };

    public bool AppendsTo(int transaction, string key) =>
        _byId[transaction].Ops.Any(o => o is AppendOp a && a.Key == key);

    public DependencyGraph Graph()
    {
        var graph = new DependencyGraph();
        foreach (var (key, order) in Orders)
        {
            for (var i = 0; i + 1 < order.Count; i++)
            {
                if (Writers.TryGetValue((key, order[i]), out var a) && Writers.TryGetValue((key, order[i + 1]), out var b)
                    && IsApplied(a.Transaction) && IsApplied(b.Transaction))
                {
                    graph.Add(new Dependency(a.Transaction, b.Transaction, DependencyKind.WriteWrite, key));
                }
            }
        }

        foreach (var read in Reads.Where(r => IsApplied(r.Transaction)))
        {
            AddReadEdges(graph, read);
        }

        return graph;
    }

    private void AddReadEdges(DependencyGraph graph, Read read)
    {
        var external = read.External;
        if (external.Count > 0 && Writers.TryGetValue((read.Key, external[^1]), out var writer) && IsApplied(writer.Transaction))
        {
            graph.Add(new Dependency(writer.Transaction, read.Transaction, DependencyKind.WriteRead, read.Key));
        }

        if (Orders.TryGetValue(read.Key, out var order) && order.Count > external.Count
            && Writers.TryGetValue((read.Key, order[external.Count]), out var next) && IsApplied(next.Transaction))
        {
            graph.Add(new Dependency(read.Transaction, next.Transaction, DependencyKind.ReadWrite, read.Key));
        }
    }

    private void IndexAppends(List<Anomaly> anomalies)
    {
        foreach (var transaction in _byId.Values.OrderBy(t => t.Id))
        {
            var appends = transaction.Ops.OfType<AppendOp>().ToList();
            for (var i = 0; i < appends.Count; i++)
            {
                var append = appends[i];
                var isLast = !appends.Skip(i + 1).Any(a => a.Key == append.Key);
                if (Writers.TryGetValue((append.Key, append.Element), out var other))
                {
                    anomalies.Add(new Anomaly(SerializabilityChecker.Serializable, "DuplicateElement",
                        [other.Transaction, transaction.Id], $"element {append.Element} of {append.Key} was appended twice"));
                    continue;
                }

                Writers[(append.Key, append.Element)] = new Writer(transaction.Id, isLast);
                if (transaction.Outcome == TransactionOutcome.Indeterminate)
                {
                    _uncertainKeys.Add(append.Key);
                }
            }
        }
    }

    private void CollectReads(List<Anomaly> anomalies)
    {
        foreach (var transaction in _byId.Values.OrderBy(t => t.Id))
        {
            if (transaction.Outcome != TransactionOutcome.Committed)
            {
                // An aborted transaction's reads constrain nothing, and an indeterminate one's reads
                // (which include its own, maybe never applied, appends) are not known to be real.
                continue;
            }

            var own = new Dictionary<string, List<long>>(StringComparer.Ordinal);
            foreach (var op in transaction.Ops)
            {
                switch (op)
                {
                    case AppendOp append:
                        (own.TryGetValue(append.Key, out var list) ? list : own[append.Key] = []).Add(append.Element);
                        break;
                    case ReadOp { Observed: { } observed } read:
                        AddRead(transaction, read.Key, observed, own.GetValueOrDefault(read.Key) ?? [], anomalies);
                        break;
                }
            }
        }
    }

    private void AddRead(HistoryTransaction transaction, string key, IReadOnlyList<long> observed, List<long> own,
        List<Anomaly> anomalies)
    {
        var endsWithOwn = own.Count <= observed.Count && observed.TakeLast(own.Count).SequenceEqual(own);
        if (!endsWithOwn)
        {
            anomalies.Add(new Anomaly(SerializabilityChecker.Serializable, "InternalInconsistency", [transaction.Id],
                $"T{transaction.Id} read {key} = {SerializabilityChecker.Show(observed)} without its own appends {SerializabilityChecker.Show(own)} at the end"));
            return;
        }

        var external = observed.Take(observed.Count - own.Count).ToList();
        MarkObserved(transaction.Id, key, observed);
        Reads.Add(new Read(transaction.Id, key, observed, external, own.Count == 0));
    }

    /// <summary>
    /// Records the indeterminate transactions whose appends this read saw (they count as applied).
    /// Only indeterminate writers matter to <see cref="IsApplied"/>, so a key none of them appended to
    /// is skipped: reads of long lists would otherwise cost a lookup per element.
    /// </summary>
    private void MarkObserved(int reader, string key, IReadOnlyList<long> observed)
    {
        if (!_uncertainKeys.Contains(key))
        {
            return;
        }

        foreach (var element in observed)
        {
            if (Writers.TryGetValue((key, element), out var writer) && writer.Transaction != reader
                && _byId[writer.Transaction].Outcome == TransactionOutcome.Indeterminate)
            {
                _observed.Add(writer.Transaction);
            }
        }
    }

    private void BuildOrders(List<Anomaly> anomalies)
    {
        foreach (var group in Reads.GroupBy(r => r.Key).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var longest = group.OrderByDescending(r => r.Observed.Count).ThenBy(r => r.Transaction).First();
            Orders[group.Key] = longest.Observed;
            foreach (var read in group)
            {
                if (!read.Observed.SequenceEqual(longest.Observed.Take(read.Observed.Count)))
                {
                    anomalies.Add(new Anomaly(SerializabilityChecker.Serializable, "IncompatibleOrder",
                        [longest.Transaction, read.Transaction],
                        $"T{read.Transaction} read {group.Key} = {SerializabilityChecker.Show(read.Observed)}, not a prefix of " +
                        $"T{longest.Transaction}'s {SerializabilityChecker.Show(longest.Observed)}"));
                }
            }
        }
    }

    /// <summary>The transaction that appended an element, and whether it was its last append to the key.</summary>
    internal readonly record struct Writer(int Transaction, bool IsLastAppendToKey);

    /// <summary>A read: the whole list seen, the part written by others, and whether it came before own appends.</summary>
    internal sealed record Read(int Transaction, string Key, IReadOnlyList<long> Observed, IReadOnlyList<long> External,
        bool IsBeforeOwnAppends);
}
