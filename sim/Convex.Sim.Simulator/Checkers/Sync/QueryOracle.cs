using Convex.Sim.Core;

namespace Convex.Sim.Simulator.Checkers.Sync;

/// <summary>
/// The value of the read query over a key at a timestamp, as a fresh execution gives it. The
/// scenario fills it by re-executing the query through a read-only snapshot at each timestamp the
/// checkers ask about (the database keeps all versions); tests build it from a list of commits.
/// </summary>
internal sealed class QueryOracle
{
    private readonly Func<string, Timestamp, QueryResult?> _lookup;

    public QueryOracle(Func<string, Timestamp, QueryResult?> lookup) => _lookup = lookup;

    /// <summary>The value at <paramref name="ts"/>, or null when the oracle cannot tell.</summary>
    public QueryResult? At(string key, Timestamp ts) => _lookup(key, ts);

    /// <summary>An oracle over a table of already executed (key, timestamp) pairs.</summary>
    public static QueryOracle FromTable(IReadOnlyDictionary<(string Key, Timestamp Ts), QueryResult> table) =>
        new((key, ts) => table.TryGetValue((key, ts), out var result) ? result : null);

    /// <summary>An oracle from the commits of a history: a key's list at ts is its appends at or before ts.</summary>
    public static QueryOracle FromCommits(IEnumerable<(Timestamp Ts, string Key, long Element)> commits)
    {
        var ordered = commits.OrderBy(c => c.Ts).ToList();
        return new((key, ts) =>
            QueryResult.Of([.. ordered.Where(c => c.Key == key && c.Ts <= ts).Select(c => c.Element)]));
    }

    /// <summary>Every (key, timestamp) the checkers will ask about, in a deterministic order.</summary>
    public static IReadOnlyList<(string Key, Timestamp Ts)> Needed(SyncHistory history)
    {
        var needed = new SortedSet<(string Key, Timestamp Ts)>(Comparer<(string Key, Timestamp Ts)>.Create((a, b) =>
        {
            var byKey = string.CompareOrdinal(a.Key, b.Key);
            return byKey != 0 ? byKey : a.Ts.CompareTo(b.Ts);
        }));
        foreach (var transition in history.Transitions)
        {
            foreach (var result in transition.Shown.Concat(transition.Held))
            {
                needed.Add((result.Key, transition.End.Ts));
            }
        }

        foreach (var request in history.Requests)
        {
            if (request.ResolvedAtTs is { } at)
            {
                needed.Add((request.Key, at));
            }
        }

        foreach (var view in history.Finals)
        {
            foreach (var result in view.Held)
            {
                needed.Add((result.Key, history.FinalTs));
            }
        }

        return [.. needed];
    }
}
