using System.Globalization;

namespace Convex.Sim.Simulator.Checkers.Sync;

/// <summary>
/// <c>NoMissedUpdate</c>: subscriptions converge. Goal: once the faults have healed and the system
/// is quiescent, every result a client holds equals a fresh execution of its query at the final
/// timestamp, i.e. no commit that changed a subscribed query was missed by the invalidation. Method:
/// compare each client's final view with the oracle at the final timestamp. A system error here
/// counts: the server is healthy, so the query would succeed now.
/// </summary>
internal static class NoMissedUpdateChecker
{
    public const string Name = "NoMissedUpdate";

    public static CheckResult Check(SyncHistory history, QueryOracle oracle)
    {
        var anomalies = new List<Anomaly>();
        foreach (var view in history.Finals)
        {
            foreach (var held in view.Held)
            {
                var expected = oracle.At(held.Key, history.FinalTs);
                if (expected is null || !held.Result.Matches(expected))
                {
                    anomalies.Add(new Anomaly(Name, "StaleSubscription", [view.Client], string.Create(
                        CultureInfo.InvariantCulture,
                        $"client {view.Client}: query {held.QueryId} ({held.Key}) holds {held.Result} at quiescence, " +
                        $"but a fresh execution at the final ts {history.FinalTs} gives {expected?.ToString() ?? "unknown"}")));
                }
            }
        }

        return CheckResult.Of(anomalies);
    }
}
