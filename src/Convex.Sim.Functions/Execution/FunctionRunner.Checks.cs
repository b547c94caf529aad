using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Convex.Sim.Database.Catalog;
using Convex.Sim.Functions.Analysis;
using Convex.Sim.Functions.Deployment;
using Convex.Sim.Functions.Hosting;
using Convex.Sim.Functions.Modules;

namespace Convex.Sim.Functions.Execution;

/// <summary>
/// What the runner checks around an execution (convex-compat §5.2): the function exists, is of
/// the requested kind and callable by this caller; its arguments and its return value match the
/// validators found at push time.
/// </summary>
public sealed partial class FunctionRunner
{
    private (UdfPath Path, FunctionEntry? Entry, string? Refusal) Lookup(Active active, FunctionCall call, UdfKind kind)
    {
        UdfPath path;
        try
        {
            path = UdfPath.Parse(call.Path);
        }
        catch (ConvexException e)
        {
            return (default, null, e.Message);
        }

        var entry = active.Deployment.Functions.Find(path);
        if (entry is null || (entry.Analysis.Visibility != Visibility.Public && !call.AllowInternal))
        {
            // Internal functions are invisible to clients: the same message as a missing one.
            return (path, null, FunctionInvoker.NotFound(path).Message);
        }

        if (entry.Analysis.Kind != kind)
        {
            return (path, entry, $"Function {path} is registered as a {FunctionInvoker.Name(entry.Analysis.Kind)} " +
                $"but is being run as a {FunctionInvoker.Name(kind)}");
        }

        var error = entry.Args.ValidateArguments(new ConvexArray([call.Args]), TableNames());
        return (path, entry, error?.Message);
    }

    private static FunctionResult Refused(string message, Timestamp ts) => new() { ErrorMessage = message, Ts = ts };

    private static FunctionResult CheckReturns(FunctionEntry? entry, FunctionResult result, TableCatalog catalog)
    {
        if (!result.Succeeded || entry is null)
        {
            return result;
        }

        var error = entry.Returns.ValidateReturnValue(result.Value, number => catalog.FindTable(number)?.Name);
        return error is null ? result : result with { Value = null, ErrorMessage = error.Message };
    }

    private static JsOutcome CheckReturns(FunctionEntry? entry, JsOutcome outcome, TableCatalog catalog)
    {
        if (!outcome.Succeeded || entry?.Returns.Validator is null)
        {
            return outcome;
        }

        ConvexValue value;
        try
        {
            value = ConvexJson.Decode(outcome.ResultJson!);
        }
        catch (InvalidValueException)
        {
            return outcome; // reported by ToResult
        }

        var error = entry.Returns.ValidateReturnValue(value, number => catalog.FindTable(number)?.Name);
        return error is null ? outcome : JsOutcome.Failure(error.Message);
    }

    /// <summary>Table names as of the latest catalog (for <c>v.id</c> checks of arguments).</summary>
    private Core.Validators.TableNameLookup TableNames()
    {
        var current = _database.Catalog;
        return number => current.FindTable(number)?.Name;
    }
}
