using System.Globalization;

namespace Convex.Sim.Simulator.Checkers.Sync;

/// <summary>
/// <c>OneTimestampPerTransition</c> (convex-compat §3.5): every transition is a consistent
/// snapshot. Goal: after each transition a client accepted, every result it holds for its active
/// queries (those the transition changed and those it left alone) is the query's value at the
/// transition's end timestamp. Method: compare each held result with the oracle, a fresh execution
/// of the query at that timestamp through a read-only snapshot. A held result that is a system
/// error is a transient server failure, not a claim about the data, and is skipped.
/// </summary>
internal static class OneTimestampPerTransitionChecker
{
    public const string Name = "OneTimestampPerTransition";

    public static CheckResult Check(SyncHistory history, QueryOracle oracle)
    {
        var anomalies = new List<Anomaly>();
        foreach (var transition in history.Transitions)
        {
            foreach (var held in transition.Held)
            {
                if (held.Result.IsSystemError)
                {
                    continue;
                }

                var expected = oracle.At(held.Key, transition.End.Ts);
                if (expected is null || !held.Result.Matches(expected))
                {
                    anomalies.Add(new Anomaly(Name, "MixedTimestamps", [transition.Client], string.Create(
                        CultureInfo.InvariantCulture,
                        $"client {transition.Client} conn {transition.Connection}: after the transition to ts " +
                        $"{transition.End.Ts} it holds {held.Result} for query {held.QueryId} ({held.Key}), " +
                        $"but the query's value at that ts is {expected?.ToString() ?? "unknown"}")));
                }
            }
        }

        return CheckResult.Of(anomalies);
    }
}
