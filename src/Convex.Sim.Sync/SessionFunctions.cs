using Convex.Sim.Core;
using Convex.Sim.Database.Errors;
using Convex.Sim.Database.Reads;
using Convex.Sim.Functions.Execution;
using Convex.Sim.Sync.Protocol;
using DatabaseEngine = Convex.Sim.Database.Database;

namespace Convex.Sim.Sync;

/// <summary>
/// How a <see cref="SyncSession"/> runs functions: the protocol's positional arguments turned into
/// the call's argument object, and the database's expected failures turned into failed results, so
/// that a session never ends because one function failed.
/// </summary>
internal sealed class SessionFunctions(FunctionRunner runner, DatabaseEngine database)
{
    /// <summary>Runs a subscribed query at <paramref name="ts"/> and records its read set and result.</summary>
    public async Task<StateModification> RunQueryAsync(
        SubscribedQuery query, Timestamp ts, CancellationToken cancellationToken)
    {
        var request = query.Request;
        StateModification modification;
        if (FunctionResults.ArgsObject(request.Args) is not { } args)
        {
            query.ReadSet = null;
            modification = new QueryFailed(request.QueryId, FunctionResults.ArgsError(request.Args), [], null, null);
        }
        else
        {
            var call = new FunctionCall(request.UdfPath, args) { At = ts };
            FunctionResult result;
            try
            {
                result = await runner.RunQueryAsync(call, cancellationToken);
                Invariant.Assert(result.Ts == ts);
            }
            catch (ConvexException e) when (e is DatabaseUnavailableException or OutOfRetentionException)
            {
                result = new FunctionResult { ErrorMessage = e.Message, IsSystemError = true, Ts = ts };
            }

            query.ReadSet = result.ReadSet;
            modification = FunctionResults.ToModification(request.QueryId, result);
        }

        query.LastResultKey = FunctionResults.ResultKey(modification);
        return modification;
    }

    /// <summary>Whether a commit in (after, upTo] may have changed what <paramref name="readSet"/> read.</summary>
    public bool Changed(ReadSet readSet, Timestamp after, Timestamp upTo)
    {
        Invariant.Assert(after <= upTo);
        try
        {
            return database.ChangedBetween(readSet, after, upTo);
        }
        catch (OutOfRetentionException)
        {
            return true; // too old to tell: re-run, the result comparison drops an unchanged result
        }
    }

    public async Task<FunctionResult> RunMutationAsync(MutationRequest mutation, CancellationToken cancellationToken)
    {
        if (FunctionResults.ArgsObject(mutation.Args) is not { } args)
        {
            return new FunctionResult
            {
                ErrorMessage = FunctionResults.ArgsError(mutation.Args),
                Ts = database.LatestTs,
            };
        }

        try
        {
            return await runner.RunMutationAsync(new FunctionCall(mutation.UdfPath, args), cancellationToken);
        }
        catch (ConvexException e) when (e is OccConflictException or CommitOutcomeUnknownException
                                             or DatabaseUnavailableException)
        {
            return new FunctionResult { ErrorMessage = e.Message, IsSystemError = true, Ts = database.LatestTs };
        }
    }

    public async Task<FunctionResult> RunActionAsync(
        ActionRequest action, string? clientSessionId, CancellationToken cancellationToken)
    {
        if (FunctionResults.ArgsObject(action.Args) is not { } args)
        {
            return new FunctionResult { ErrorMessage = FunctionResults.ArgsError(action.Args) };
        }

        var call = new FunctionCall(action.UdfPath, args) { RequestId = $"{clientSessionId}-{action.RequestId}" };
        return await runner.RunActionAsync(call, cancellationToken);
    }
}
