using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Convex.Sim.Database.Errors;
using Convex.Sim.Database.Transactions;
using Convex.Sim.Functions.Execution;
using Convex.Sim.Sync.Protocol;
using Convex.Sim.Sync.Subscriptions;
using DatabaseEngine = Convex.Sim.Database.Database;

namespace Convex.Sim.Sync;

/// <summary>
/// How a <see cref="SyncSession"/> runs functions: the protocol's positional arguments turned into
/// the call's argument object, and the database's expected failures turned into failed results, so
/// that a session never ends because one function failed.
/// </summary>
internal sealed class SessionFunctions(FunctionRunner runner, DatabaseEngine database, SubscriptionManager subscriptions)
{
    /// <summary>
    /// Runs a subscribed query at <paramref name="ts"/> (sharing an identical execution of another
    /// session), records its result and tracks its read set with the subscription manager.
    /// </summary>
    public async Task<StateModification> RunQueryAsync(
        SessionSubscriptions tracking, SubscribedQuery query, Timestamp ts, SessionIdentity identity,
        CancellationToken cancellationToken)
    {
        var request = query.Request;
        StateModification modification;
        if (FunctionResults.ArgsObject(request.Args) is not { } args)
        {
            subscriptions.Track(tracking, request.QueryId, null, ts);
            modification = new QueryFailed(request.QueryId, FunctionResults.ArgsError(request.Args), [], null, null);
        }
        else
        {
            var call = new FunctionCall(request.UdfPath, args)
            {
                At = ts,
                AllowInternal = identity.AllowsInternal,
                Identity = identity.User,
                Journal = query.Journal,
            };
            query.CallKey ??= $"{request.UdfPath}\n{ConvexJson.Encode(args)}";
            var key = $"{identity.Key}\n{query.CallKey}\n{query.Journal}";
            var shared = await subscriptions.RunSharedAsync(key, ts, () => RunAtAsync(call, ts));
            var result = shared.Result;
            subscriptions.Track(tracking, request.QueryId, result.ReadSet, ts);
            query.Journal = result.Journal ?? query.Journal;
            query.LastResultKey = shared.ResultKey;
            return FunctionResults.ToModification(request.QueryId, result, shared.ValueJson);
        }

        query.LastResultKey = FunctionResults.ResultKey(modification);
        return modification;
    }

    /// <summary>
    /// Runs the query and encodes what every session sharing it sends, once: the value's JSON and
    /// the result key that decides whether a result changed.
    /// </summary>
    private async Task<SharedQueryResult> RunAtAsync(FunctionCall call, Timestamp ts)
    {
        FunctionResult result;
        try
        {
            // Shared by every session waiting for it, so not cancelled with any one of them; the
            // runner's limits bound it.
            result = await runner.RunQueryAsync(call, CancellationToken.None);
            Invariant.Assert(result.Ts == ts);
        }
        catch (ConvexException e) when (e is DatabaseUnavailableException or OutOfRetentionException)
        {
            result = new FunctionResult { ErrorMessage = e.Message, IsSystemError = true, Ts = ts };
        }

        var valueJson = result.Succeeded ? ConvexJson.Encode(result.Value ?? ConvexNull.Instance) : null;
        var modification = FunctionResults.ToModification(new QueryId(0), result, valueJson);
        return new SharedQueryResult(result, FunctionResults.ResultKey(modification), valueJson);
    }

    public async Task<FunctionResult> RunMutationAsync(
        MutationRequest mutation, string? clientSessionId, SessionIdentity identity, CancellationToken cancellationToken)
    {
        if (FunctionResults.ArgsObject(mutation.Args) is not { } args)
        {
            return new FunctionResult
            {
                ErrorMessage = FunctionResults.ArgsError(mutation.Args),
                Ts = database.LatestTs,
            };
        }

        var call = new FunctionCall(mutation.UdfPath, args)
        {
            AllowInternal = identity.AllowsInternal,
            Identity = identity.User,
            SessionRequest = clientSessionId is null ? null : new SessionRequestKey(clientSessionId, mutation.RequestId),
        };
        try
        {
            return await runner.RunMutationAsync(call, cancellationToken);
        }
        catch (ConvexException e) when (e is OccConflictException or CommitOutcomeUnknownException
                                             or DatabaseUnavailableException)
        {
            return new FunctionResult { ErrorMessage = e.Message, IsSystemError = true, Ts = database.LatestTs };
        }
    }

    public async Task<FunctionResult> RunActionAsync(
        ActionRequest action, string? clientSessionId, SessionIdentity identity, CancellationToken cancellationToken)
    {
        if (FunctionResults.ArgsObject(action.Args) is not { } args)
        {
            return new FunctionResult { ErrorMessage = FunctionResults.ArgsError(action.Args) };
        }

        var call = new FunctionCall(action.UdfPath, args)
        {
            RequestId = $"{clientSessionId}-{action.RequestId}",
            AllowInternal = identity.AllowsInternal,
            Identity = identity.User,
        };
        return await runner.RunActionAsync(call, cancellationToken);
    }
}
