using Convex.Sim.Core;
using Convex.Sim.Sync.Protocol;

namespace Convex.Sim.Sync;

/// <summary>Query-set changes and transitions (convex-compat §3.5).</summary>
public sealed partial class SyncSession
{
    /// <summary>Which queries a transition re-runs besides the added ones.</summary>
    private enum Rerun
    {
        Invalidated,
        All,
    }

    /// <summary>Whether a transition without modifications is still sent.</summary>
    private enum TransitionKind
    {
        Always,
        OnlyIfChanged,
    }

    /// <summary>
    /// Waits for the subscription manager to report commits that touched this session's queries (or
    /// a new deployment), and sends a transition when a result changed.
    /// </summary>
    private async Task UpdateLoopAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await SubscriptionManager.WaitForWorkAsync(Tracking);
            if (_stopping)
            {
                return;
            }

            await EnterGateAsync();
            try
            {
                if (_closed)
                {
                    return;
                }

                // Before the first transition there is nothing to update; the first one claims the work.
                if (_current != StateVersion.Initial)
                {
                    await AdvanceAsync([], [], TransitionKind.OnlyIfChanged, Rerun.Invalidated, cancellationToken);
                }
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    private async Task ModifyQuerySetAsync(ModifyQuerySet modify, CancellationToken cancellationToken)
    {
        if (modify.BaseVersion != _receivedQuerySet)
        {
            throw new ProtocolException(
                $"BaseVersionMismatch: ModifyQuerySet has base version {modify.BaseVersion.Value}, " +
                $"but the server's query set is at version {_receivedQuerySet.Value}");
        }

        if (modify.NewVersion.Value <= modify.BaseVersion.Value)
        {
            throw new ProtocolException(
                $"ModifyQuerySet's new version {modify.NewVersion.Value} " +
                $"is not after its base version {modify.BaseVersion.Value}");
        }

        ValidateModifications(modify);
        await EnterGateAsync();
        try
        {
            if (_closed)
            {
                return;
            }

            var added = new List<QueryId>();
            var removed = new List<StateModification>();
            foreach (var change in modify.Modifications)
            {
                switch (change)
                {
                    case AddQuery add:
                        _queries.Add(add.QueryId, new SubscribedQuery(add));
                        added.Add(add.QueryId);
                        break;
                    case RemoveQuery remove:
                        _queries.Remove(remove.QueryId);
                        Tracking.Manager.Untrack(Tracking, remove.QueryId);
                        added.Remove(remove.QueryId);
                        removed.Add(new QueryRemoved(remove.QueryId));
                        break;
                }
            }

            _receivedQuerySet = modify.NewVersion;
            await AdvanceAsync(added, removed, TransitionKind.Always, Rerun.Invalidated, cancellationToken);
            Invariant.Assert(_closed || _current.QuerySet == modify.NewVersion);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Refuses an add of a present query or a remove of an absent one before anything changes.</summary>
    private void ValidateModifications(ModifyQuerySet modify)
    {
        var present = new HashSet<QueryId>(_queries.Keys);
        foreach (var change in modify.Modifications)
        {
            var ok = change is AddQuery ? present.Add(change.QueryId) : present.Remove(change.QueryId);
            if (!ok)
            {
                throw new ProtocolException(change is AddQuery
                    ? $"Query {change.QueryId.Value} is already in the query set"
                    : $"Query {change.QueryId.Value} is not in the query set");
            }
        }
    }

    /// <summary>
    /// Moves the session to the timestamp the subscription manager has matched commits up to: the
    /// <paramref name="added"/> queries run there, as do the queries its commits invalidated (all
    /// of them for <see cref="Rerun.All"/> or a new identity), and one transition carries
    /// <paramref name="removed"/>, the added results and the changed ones. Holding the gate.
    /// </summary>
    private async Task AdvanceAsync(
        IReadOnlyList<QueryId> added, IReadOnlyList<StateModification> removed, TransitionKind kind, Rerun rerun,
        CancellationToken cancellationToken)
    {
        Invariant.Assert(_gate.CurrentCount == 0);
        if (await EndIfIdentityExpiredAsync(cancellationToken))
        {
            return; // nothing is sent under an expired identity (§3.9)
        }

        var (ts, invalidated, all) = Tracking.Manager.Claim(Tracking);
        Invariant.Assert(ts >= _current.Ts);
        var everything = all || rerun == Rerun.All || _identityChanged;
        var modifications = new List<StateModification>(removed);
        foreach (var (id, query) in _queries)
        {
            var fresh = added.Contains(id);
            if (!fresh && !everything && !invalidated.Contains(id))
            {
                continue;
            }

            var previous = query.LastResultKey;
            var modification = await _functions.RunQueryAsync(Tracking, query, ts, _identity, cancellationToken);
            if (fresh || query.LastResultKey != previous)
            {
                modifications.Add(modification);
            }
        }

        _identityChanged = false;
        var end = new StateVersion(_receivedQuerySet, _receivedIdentity, ts);
        if (modifications.Count == 0 && kind == TransitionKind.OnlyIfChanged && end.Identity == _current.Identity)
        {
            return;
        }

        var transition = new Transition(_current, end, modifications, _clientClockSkew, _runtime.UnixNanoseconds);
        await SendAsync(transition, cancellationToken);
        _current = end;
    }
}
