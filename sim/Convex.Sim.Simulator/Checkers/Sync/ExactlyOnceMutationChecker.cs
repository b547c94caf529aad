using System.Globalization;

namespace Convex.Sim.Simulator.Checkers.Sync;

/// <summary>
/// <c>ExactlyOnceMutation</c> (convex-compat §3.7.3): re-sending a mutation after a reconnect never
/// applies it twice. Every request appends a globally unique element; in the final data (after
/// recovery) each element appears at most once in all keys together, exactly once (in its own key)
/// if its request resolved successfully, and not at all if a mutation resolved with an error (a
/// failed mutation has no effects). An action lost with its connection, or still pending, may have
/// run or not. An element no request appended is reported too.
/// </summary>
internal static class ExactlyOnceMutationChecker
{
    public const string Name = "ExactlyOnceMutation";

    public static CheckResult Check(SyncHistory history)
    {
        var anomalies = new List<Anomaly>();
        var counts = new SortedDictionary<long, (int Count, string Key)>();
        foreach (var (key, items) in history.FinalData.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            foreach (var element in items)
            {
                counts[element] = counts.TryGetValue(element, out var c) ? (c.Count + 1, c.Key) : (1, key);
            }
        }

        var issued = new HashSet<long>();
        foreach (var r in history.Requests)
        {
            issued.Add(r.Element);
            var (count, key) = counts.TryGetValue(r.Element, out var c) ? c : (0, r.Key);
            var allowed = r.Outcome switch
            {
                RequestOutcome.Succeeded => count == 1 && key == r.Key,
                RequestOutcome.Failed => r.Kind == RequestKind.Mutation ? count == 0 : count <= 1,
                RequestOutcome.Pending => count <= 1,
            };
            if (!allowed)
            {
                anomalies.Add(new Anomaly(Name, count > 1 ? "Duplicate" : count == 0 ? "Lost" : "Unexpected", [r.Client],
                    string.Create(CultureInfo.InvariantCulture,
                        $"client {r.Client} {r.Kind} {r.RequestId} appending {r.Element} to {r.Key} ended {r.Outcome}" +
                        $"{(r.Error is null ? "" : $" ({r.Error})")}, and the element appears {count} time(s) in the final data")));
            }
        }

        foreach (var (element, (count, key)) in counts)
        {
            if (!issued.Contains(element))
            {
                anomalies.Add(new Anomaly(Name, "Unknown", [], string.Create(CultureInfo.InvariantCulture,
                    $"element {element} appears {count} time(s) in {key} but no request appended it")));
            }
        }

        return CheckResult.Of(anomalies);
    }
}
