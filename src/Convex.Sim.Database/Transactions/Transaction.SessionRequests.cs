using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Convex.Sim.Database.Catalog;
using Convex.Sim.Database.Indexing;
using Convex.Sim.Storage;

namespace Convex.Sim.Database.Transactions;

/// <summary>A mutation request of a sync session: the client's session id and its request id.</summary>
public sealed record SessionRequestKey(string SessionId, long RequestId);

/// <summary>A successful mutation's recorded outcome and the timestamp it committed at.</summary>
public sealed record RecordedMutation(ConvexObject Outcome, Timestamp CommitTs);

/// <summary>
/// Mutation idempotency per (session, request) (convex-compat §3.7.3): a mutation looks up its
/// request before running and records its outcome in the same transaction, so a re-sent request
/// finds the record instead of running again. Two copies racing each read the (empty) record range
/// and insert into it; OCC lets only one commit and re-runs the other, which then finds the record.
/// </summary>
public sealed partial class Transaction
{
    /// <summary>The recorded outcome of <paramref name="key"/>, if a mutation with it committed before this snapshot.</summary>
    public async ValueTask<RecordedMutation?> FindRecordedMutationAsync(
        SessionRequestKey key, CancellationToken cancellationToken)
    {
        EnsureOpen();
        var index = SystemTables.SessionRequestsByRequest;
        var range = RequestRange(key);
        ReadSet.Add(index.Id, range);
        Invariant.Assert(!_pending.Keys.Any(id => id.Table == SystemTables.SessionRequests.Number));
        var rows = await Database.ScanAsync(index.Id, range, SnapshotTs, ScanOrder.Ascending, 1, cancellationToken);
        if (rows.Count == 0)
        {
            return null;
        }

        var document = rows[0].Document;
        Usage.RecordRead(document.Value);
        return new RecordedMutation((ConvexObject)document.Value["outcome"]!, document.Ts);
    }

    /// <summary>Records the outcome of the mutation running in this transaction under <paramref name="key"/>.</summary>
    public void RecordMutation(SessionRequestKey key, ConvexObject outcome)
    {
        EnsureWritable();
        InsertInto(SystemTables.SessionRequests, ConvexObject.From(
        [
            new("sessionId", new ConvexString(key.SessionId)),
            new("requestId", new ConvexInt64(key.RequestId)),
            new("outcome", outcome),
        ]));
    }

    /// <summary>
    /// Deletes up to <paramref name="limit"/> records created before <paramref name="cutoffMs"/>
    /// (Unix milliseconds), oldest first, and returns how many. Convex keeps them for two weeks: a
    /// client re-sending a mutation later than that runs it again.
    /// </summary>
    public async ValueTask<int> DeleteSessionRequestsBeforeAsync(double cutoffMs, int limit, CancellationToken cancellationToken)
    {
        EnsureWritable();
        Invariant.Assert(limit > 0);
        var index = Catalog.FindIndex(SystemTables.SessionRequests.ByCreationTime)!;
        var range = new IndexRange([], null, new RangeBound(new ConvexFloat64(cutoffMs), Inclusive: false)).ToKeyRange(index);
        ReadSet.Add(index.Id, range);
        var rows = await Database.ScanAsync(index.Id, range, SnapshotTs, ScanOrder.Ascending, limit, cancellationToken);
        foreach (var row in rows)
        {
            Invariant.Assert(!_pending.ContainsKey(row.Document.Id));
            _snapshotValues[row.Document.Id] = row.Document.Value;
            Write(row.Document.Id, null);
        }

        return rows.Count;
    }

    private static KeyRange RequestRange(SessionRequestKey key) =>
        IndexRange.Eq(new ConvexString(key.SessionId), new ConvexInt64(key.RequestId))
            .ToKeyRange(SystemTables.SessionRequestsByRequest);
}
