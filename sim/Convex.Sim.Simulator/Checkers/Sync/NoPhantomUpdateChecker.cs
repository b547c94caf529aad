using System.Globalization;

namespace Convex.Sim.Simulator.Checkers.Sync;

/// <summary>
/// <c>NoPhantomUpdate</c>: a client is never shown a result that the data never had at the
/// result's timestamp (e.g. from a mutation that did not commit, a snapshot from the future, or
/// a lost commit). Method: every result a transition carries is compared with a fresh execution of
/// the query at the transition's end timestamp. System errors are skipped (transient failures).
/// </summary>
internal static class NoPhantomUpdateChecker
{
    public const string Name = "NoPhantomUpdate";

    public static CheckResult Check(SyncHistory history, QueryOracle oracle)
    {
        var anomalies = new List<Anomaly>();
        foreach (var transition in history.Transitions)
        {
            foreach (var shown in transition.Shown)
            {
                if (shown.Result.IsSystemError)
                {
                    continue;
                }

                var expected = oracle.At(shown.Key, transition.End.Ts);
                if (expected is null || !shown.Result.Matches(expected))
                {
                    anomalies.Add(new Anomaly(Name, "PhantomResult", [transition.Client], string.Create(
                        CultureInfo.InvariantCulture,
                        $"client {transition.Client} conn {transition.Connection}: the transition to ts " +
                        $"{transition.End.Ts} shows {shown.Result} for query {shown.QueryId} ({shown.Key}), " +
                        $"but the query's value at that ts is {expected?.ToString() ?? "unknown"}")));
                }
            }
        }

        return CheckResult.Of(anomalies);
    }
}
