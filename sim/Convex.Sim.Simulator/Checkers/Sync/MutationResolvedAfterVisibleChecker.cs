using System.Globalization;

namespace Convex.Sim.Simulator.Checkers.Sync;

/// <summary>
/// <c>MutationResolvedAfterVisible</c> (convex-compat §3.7.2, read-your-writes): a successful
/// mutation's promise resolves only once the client's query results already reflect it. Method:
/// for every mutation a client resolved as successful, the transition that resolved it ends at or
/// after the commit timestamp of its response; the mutation's element is in the key's value at that
/// timestamp (a fresh execution); and if the client then held a result for the key, the element is
/// in it.
/// </summary>
internal static class MutationResolvedAfterVisibleChecker
{
    public const string Name = "MutationResolvedAfterVisible";

    public static CheckResult Check(SyncHistory history, QueryOracle oracle)
    {
        var anomalies = new List<Anomaly>();
        foreach (var r in history.Requests)
        {
            if (r.Kind != RequestKind.Mutation || r.Outcome != RequestOutcome.Succeeded)
            {
                continue;
            }

            if (r.ResponseTs is not { } ts || r.ResolvedAtTs is not { } at)
            {
                anomalies.Add(Anomaly(r, "NoTimestamp", "resolved without a commit timestamp or a resolving transition"));
                continue;
            }

            if (at < ts)
            {
                anomalies.Add(Anomaly(r, "ResolvedEarly",
                    $"committed at ts {ts} but resolved when the client's results were at ts {at}"));
            }
            else if (oracle.At(r.Key, at) is not { } value || !value.Contains(r.Element))
            {
                anomalies.Add(Anomaly(r, "NotVisible",
                    $"resolved at ts {at}, but the key's value there is {oracle.At(r.Key, at)?.ToString() ?? "unknown"}"));
            }

            if (r.HeldAtResolution is { IsSystemError: false } held && !held.Contains(r.Element))
            {
                anomalies.Add(Anomaly(r, "NotInClientResult",
                    $"resolved while the client's result for the key was {held}"));
            }
        }

        return CheckResult.Of(anomalies);
    }

    private static Anomaly Anomaly(ObservedRequest r, string kind, string what) =>
        new(Name, kind, [r.Client], string.Create(CultureInfo.InvariantCulture,
            $"client {r.Client} mutation {r.RequestId} (append {r.Element} to {r.Key}): {what}"));
}
