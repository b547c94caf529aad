using Convex.Sim.Core.Values;
using Convex.Sim.Functions.Execution;
using Convex.Sim.Sync.Protocol;

namespace Convex.Sim.Sync;

/// <summary>Turns the function runner's results into protocol values.</summary>
internal static class FunctionResults
{
    /// <summary>What a client sees of a system error (the details stay in the server).</summary>
    public const string SystemErrorMessage = "Server Error";

    /// <summary>
    /// The argument object of a call: the protocol sends positional arguments, of which Convex
    /// functions take exactly one object (none means an empty object).
    /// </summary>
    public static ConvexObject? ArgsObject(IReadOnlyList<ConvexValue> args) => args.Count switch
    {
        0 => ConvexObject.Empty,
        1 => args[0] as ConvexObject,
        _ => null,
    };

    public static string ArgsError(IReadOnlyList<ConvexValue> args) =>
        $"ArgumentValidationError: expected one argument object, got {args.Count} positional arguments";

    /// <param name="valueJson">The value's Convex JSON when already encoded (written as is).</param>
    public static StateModification ToModification(QueryId id, FunctionResult result, string? valueJson = null)
    {
        if (result.Succeeded)
        {
            return new QueryUpdated(id, result.Value ?? ConvexNull.Instance, result.LogLines, result.Journal)
            {
                ValueJson = valueJson,
            };
        }

        var message = result.IsSystemError ? SystemErrorMessage : result.ErrorMessage!;
        return new QueryFailed(id, message, result.LogLines, result.Journal, result.ErrorData);
    }

    public static FunctionOutcome ToOutcome(FunctionResult result)
    {
        if (result.Succeeded)
        {
            return new FunctionOutcome(result.Value ?? ConvexNull.Instance, null, null, result.LogLines);
        }

        var message = result.IsSystemError ? SystemErrorMessage : result.ErrorMessage!;
        return new FunctionOutcome(null, message, result.ErrorData, result.LogLines);
    }

    /// <summary>
    /// A key that is equal for two modifications exactly when the client would see the same
    /// result and log lines (the de-duplication of §3.5 step 6).
    /// </summary>
    public static string ResultKey(StateModification modification) => modification switch
    {
        QueryUpdated updated => "ok\n" + (updated.ValueJson ?? ConvexJson.Encode(updated.Value)) + "\n"
            + string.Join('\n', updated.LogLines),
        QueryFailed failed => "error\n" + failed.ErrorMessage + "\n"
            + (failed.ErrorData is { } data ? ConvexJson.Encode(data) : "") + "\n" + string.Join('\n', failed.LogLines),
        _ => throw new ArgumentException("only query results have a result key", nameof(modification)),
    };
}
