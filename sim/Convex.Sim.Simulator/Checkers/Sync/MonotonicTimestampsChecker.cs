using System.Globalization;
using Convex.Sim.Core;

namespace Convex.Sim.Simulator.Checkers.Sync;

/// <summary>
/// <c>MonotonicTimestamps</c>: a client never goes back in time. Goal: on one connection the
/// transitions' timestamps never decrease (each ends at or after where it starts, and starts where
/// the previous one ended in timestamp), and across reconnects no transition ends before the
/// largest timestamp the client had already observed (in a transition or a mutation response) —
/// the guarantee behind the client's <c>maxObservedTimestamp</c> (convex-compat §3.3.1). Method:
/// walk each client's transitions in the order it accepted them.
/// </summary>
internal static class MonotonicTimestampsChecker
{
    public const string Name = "MonotonicTimestamps";

    public static CheckResult Check(SyncHistory history)
    {
        var anomalies = new List<Anomaly>();
        var lastOnConnection = new Dictionary<(int Client, long Connection), Timestamp>();
        foreach (var t in history.Transitions)
        {
            if (t.End.Ts < t.Start.Ts)
            {
                anomalies.Add(Anomaly(t, "BackwardsTransition", $"ends at ts {t.End.Ts} before its start ts {t.Start.Ts}"));
            }

            if (lastOnConnection.TryGetValue((t.Client, t.Connection), out var last) && t.End.Ts < last)
            {
                anomalies.Add(Anomaly(t, "BackwardsOnConnection",
                    $"ends at ts {t.End.Ts} after a transition of the same connection ended at ts {last}"));
            }

            if (t.End.Ts < t.MaxObservedBefore)
            {
                anomalies.Add(Anomaly(t, "BackwardsAcrossReconnect",
                    $"ends at ts {t.End.Ts} although the client had already observed ts {t.MaxObservedBefore}"));
            }

            lastOnConnection[(t.Client, t.Connection)] = t.End.Ts;
        }

        return CheckResult.Of(anomalies);
    }

    private static Anomaly Anomaly(ObservedTransition t, string kind, string what) =>
        new(Name, kind, [t.Client], string.Create(CultureInfo.InvariantCulture,
            $"client {t.Client} conn {t.Connection}: a transition {what}"));
}
