using Convex.Sim.Core;
using Convex.Sim.Sync.Protocol;

namespace Convex.Sim.Sync;

/// <summary>Mutations (one at a time, in arrival order, §3.7) and actions (concurrent, §3.8).</summary>
public sealed partial class SyncSession
{
    private readonly Queue<MutationRequest> _pendingMutations = new();
    private readonly SemaphoreSlim _mutationsQueued = new(0);
    private readonly List<Task> _actions = [];

    private async Task EnqueueMutationAsync(MutationRequest mutation, CancellationToken cancellationToken)
    {
        bool overloaded;
        lock (_pendingMutations)
        {
            overloaded = _pendingMutations.Count >= _options.PendingMutationsMax;
            if (!overloaded)
            {
                _pendingMutations.Enqueue(mutation);
            }
        }

        if (overloaded)
        {
            // The client reconnects after a back-off and re-sends what is unresolved.
            await CloseAsync("TooManyConcurrentRequests", cancellationToken);
            return;
        }

        _mutationsQueued.Release();
    }

    private async Task MutationLoopAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await _mutationsQueued.WaitAsync(CancellationToken.None);
            if (_stopping)
            {
                return;
            }

            MutationRequest next;
            lock (_pendingMutations)
            {
                next = _pendingMutations.Dequeue();
            }

            await MutationAsync(next, cancellationToken);
        }
    }

    /// <summary>
    /// Runs a mutation (its outcome recorded under the session id and request id, so a re-sent
    /// request answers the first outcome without running again), then, holding the gate, sends its
    /// response and a transition to at least its commit timestamp, so the client's promise resolves
    /// with the writes visible (§3.7.2).
    /// </summary>
    private async Task MutationAsync(MutationRequest mutation, CancellationToken cancellationToken)
    {
        // Not cancelled with the session: a mutation that started runs to its end (its outcome is
        // recorded, so the client's re-sent copy gets it); the database is never handed a
        // cancellable token from here, which in the simulator would resume on the thread pool.
        if (await EndIfIdentityExpiredOutsideGateAsync(cancellationToken))
        {
            return;
        }

        var result = await _functions.RunMutationAsync(mutation, ClientSessionId, _identity, CancellationToken.None);
        var outcome = FunctionResults.ToOutcome(result);
        await _subscriptions.NotifyCommitAsync(result.Ts);
        await EnterGateAsync();
        try
        {
            if (_closed)
            {
                return;
            }

            await SendAsync(new MutationResponse(mutation.RequestId, outcome, outcome.Succeeded ? result.Ts : null),
                cancellationToken);
            await AdvanceAsync([], [], TransitionKind.Always, Rerun.Invalidated, cancellationToken);
            Invariant.Assert(_closed || !outcome.Succeeded || _current.Ts >= result.Ts);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Starts an action; it runs alongside everything else on the connection.</summary>
    private void StartAction(ActionRequest action, CancellationToken cancellationToken)
    {
        _actions.RemoveAll(t => t.IsCompleted);
        _actions.Add(_actions.Count >= _options.ActionsInFlightMax
            ? RefuseActionAsync(action, cancellationToken)
            : ActionAsync(action, cancellationToken));
    }

    /// <summary>Runs an action, answers it, and sends a transition covering whatever it committed.</summary>
    private async Task ActionAsync(ActionRequest action, CancellationToken cancellationToken)
    {
        await Task.Yield(); // return to the receive loop before the action's first step
        if (await EndIfIdentityExpiredOutsideGateAsync(cancellationToken))
        {
            return;
        }

        var result = await _functions.RunActionAsync(action, ClientSessionId, _identity, CancellationToken.None);
        await _subscriptions.NotifyCommitAsync(_database.LatestTs);
        await RespondToActionAsync(action, FunctionResults.ToOutcome(result), cancellationToken);
    }

    private Task RefuseActionAsync(ActionRequest action, CancellationToken cancellationToken) =>
        RespondToActionAsync(action, new FunctionOutcome(null,
            $"TooManyConcurrentRequests: more than {_options.ActionsInFlightMax} actions are running on this connection",
            null, []), cancellationToken);

    private async Task RespondToActionAsync(ActionRequest action, FunctionOutcome outcome, CancellationToken cancellationToken)
    {
        await EnterGateAsync();
        try
        {
            if (_closed)
            {
                return;
            }

            await SendAsync(new ActionResponse(action.RequestId, outcome), cancellationToken);
            await AdvanceAsync([], [], TransitionKind.Always, Rerun.Invalidated, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }
}
