using Convex.Sim.Core;
using Convex.Sim.Functions.Modules;

namespace Convex.Sim.Functions.Execution;

/// <summary>One finished execution, as a log stream reports it (convex-compat §6.9.2).</summary>
/// <param name="Identifier">The canonical function path, e.g. <c>messages:list</c>.</param>
/// <param name="StartedAt">The runtime clock when the call arrived.</param>
/// <param name="Duration">Until the result was ready, including OCC retries.</param>
/// <param name="LogLines">The function's <c>[LEVEL] text</c> lines.</param>
/// <param name="Error">The error message, or null on success.</param>
public sealed record FunctionExecution(
    string Identifier, UdfKind Kind, DateTimeOffset StartedAt, TimeSpan Duration, IReadOnlyList<string> LogLines,
    string? Error);

/// <summary>Told about every execution of user functions; must be fast and must not throw.</summary>
public interface IFunctionExecutionObserver
{
    void OnExecuted(FunctionExecution execution);
}

/// <summary>
/// The runner's entry points: Convex's built-in <c>_system/</c> queries are answered natively
/// (<see cref="SystemFunctions"/>), everything else runs user code; each user execution is then
/// reported to the <see cref="Observer"/>. System functions are not reported, as in Convex.
/// </summary>
public sealed partial class FunctionRunner
{
    private SystemFunctions? _systemFunctions;

    /// <summary>Whether <paramref name="path"/> names a built-in <c>_system/</c> function (admin only).</summary>
    public static bool IsSystemFunction(string path) => SystemFunctions.IsSystemPath(path);

    /// <summary>Set once by the host before requests arrive.</summary>
    public IFunctionExecutionObserver? Observer { get; set; }

    private SystemFunctions Builtin => _systemFunctions ??= new SystemFunctions(this, _database);

    public Task<FunctionResult> RunQueryAsync(FunctionCall call, CancellationToken cancellationToken) =>
        SystemFunctions.IsSystemPath(call.Path)
            ? Builtin.RunQueryAsync(call, cancellationToken)
            : ObserveAsync(call, UdfKind.Query, ExecuteQueryAsync, cancellationToken);

    /// <inheritdoc cref="ExecuteMutationAsync"/>
    public Task<FunctionResult> RunMutationAsync(FunctionCall call, CancellationToken cancellationToken) =>
        ObserveAsync(call, UdfKind.Mutation, ExecuteMutationAsync, cancellationToken);

    public Task<FunctionResult> RunActionAsync(FunctionCall call, CancellationToken cancellationToken) =>
        ObserveAsync(call, UdfKind.Action, ExecuteActionAsync, cancellationToken);

    private async Task<FunctionResult> ObserveAsync(
        FunctionCall call, UdfKind kind, Func<FunctionCall, CancellationToken, Task<FunctionResult>> execute,
        CancellationToken cancellationToken)
    {
        var observer = Observer;
        if (observer is null)
        {
            return await execute(call, cancellationToken);
        }

        var started = _runtime.Time.GetUtcNow();
        FunctionResult result;
        try
        {
            result = await execute(call, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Exhausted OCC retries, a failed commit: the caller reports it; the log shows it too.
            observer.OnExecuted(new FunctionExecution(
                Identifier(call.Path), kind, started, Elapsed(started), [], e.Message));
            throw;
        }

        observer.OnExecuted(new FunctionExecution(
            Identifier(call.Path), kind, started, Elapsed(started), result.LogLines, result.ErrorMessage));
        return result;
    }

    private TimeSpan Elapsed(DateTimeOffset started)
    {
        var elapsed = _runtime.Time.GetUtcNow() - started;
        return elapsed < TimeSpan.Zero ? TimeSpan.Zero : elapsed;
    }

    /// <summary>The canonical path (<c>messages:list</c>); an unparsable path is shown as sent.</summary>
    private static string Identifier(string path)
    {
        try
        {
            return UdfPath.Parse(path).ToString();
        }
        catch (ConvexException)
        {
            return path;
        }
    }
}
