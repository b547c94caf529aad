namespace Convex.Sim.Simulator.Checkers;

/// <summary>One transaction's effect on a set of documents: the ids it inserted and deleted.</summary>
public sealed record SetEffect(int Transaction, TransactionOutcome Outcome, IReadOnlyList<string> Inserted,
    IReadOnlyList<string> Deleted);

/// <summary>
/// Checks inserts and deletes of whole documents against the set found after recovery.
/// <c>DurableCommits</c>: a document inserted by an acknowledged transaction and deleted by no
/// transaction that may have been applied is there; a document deleted by an acknowledged
/// transaction is gone. <c>NoAbortedWrite</c>: nothing an aborted transaction inserted is there.
/// <c>NoLostUpdate</c>: no document is deleted by two acknowledged transactions (each delete read
/// the document, so the second must have conflicted).
/// </summary>
public static class SetChecker
{
    public static CheckResult Check(IReadOnlyList<SetEffect> effects, IReadOnlySet<string> final)
    {
        var anomalies = new List<Anomaly>();
        var deletedBy = effects.Where(e => e.Outcome != TransactionOutcome.Aborted)
            .SelectMany(e => e.Deleted.Select(id => (id, e)))
            .GroupBy(x => x.id).ToDictionary(g => g.Key, g => g.Select(x => x.e).ToList());
        foreach (var effect in effects.OrderBy(e => e.Transaction))
        {
            foreach (var id in effect.Inserted)
            {
                var maybeDeleted = deletedBy.ContainsKey(id);
                if (effect.Outcome == TransactionOutcome.Committed && !maybeDeleted && !final.Contains(id))
                {
                    anomalies.Add(new Anomaly(DurabilityChecker.DurableCommits, "LostInsert", [effect.Transaction],
                        $"document {id} inserted by acknowledged T{effect.Transaction} is missing after recovery"));
                }

                if (effect.Outcome == TransactionOutcome.Aborted && final.Contains(id))
                {
                    anomalies.Add(new Anomaly(DurabilityChecker.NoAbortedWrite, "AbortedInsertPresent", [effect.Transaction],
                        $"document {id} inserted by aborted T{effect.Transaction} is present after recovery"));
                }
            }

            if (effect.Outcome != TransactionOutcome.Committed)
            {
                continue;
            }

            foreach (var id in effect.Deleted.Where(final.Contains))
            {
                anomalies.Add(new Anomaly(DurabilityChecker.DurableCommits, "LostDelete", [effect.Transaction],
                    $"document {id} deleted by acknowledged T{effect.Transaction} is present after recovery"));
            }
        }

        foreach (var (id, deleters) in deletedBy.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var committed = deleters.Where(e => e.Outcome == TransactionOutcome.Committed).Select(e => e.Transaction).Order().ToList();
            if (committed.Count > 1)
            {
                anomalies.Add(new Anomaly(SerializabilityChecker.NoLostUpdate, "DoubleDelete", committed,
                    $"document {id} was deleted by acknowledged T{string.Join(" and T", committed)}"));
            }
        }

        return CheckResult.Of(anomalies);
    }
}
