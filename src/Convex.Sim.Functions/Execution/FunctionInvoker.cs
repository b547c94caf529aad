using Convex.Sim.Core;
using Convex.Sim.Functions.Hosting;
using Convex.Sim.Functions.Modules;
using Jint;
using Jint.Native;
using Jint.Native.Object;

namespace Convex.Sim.Functions.Execution;

/// <summary>
/// Finds an exported function in a worker and calls it the way the library expects
/// (convex-compat §5.2): <c>invokeQuery(argsJson)</c>, <c>invokeMutation(argsJson)</c>,
/// <c>invokeAction(requestId, argsJson)</c>, where argsJson is the positional argument array.
/// </summary>
internal static class FunctionInvoker
{
    /// <summary>
    /// Budget for evaluating a module the first time a worker imports it. Separate from the
    /// function's own budget: the first call on a fresh worker must not pay for the library's
    /// evaluation (Convex analyzes modules with a 4 s limit).
    /// </summary>
    private static readonly ExecutionLimits ImportLimits = new() { UserTime = TimeSpan.FromSeconds(4), Statements = 50_000_000 };

    public static async Task<JsOutcome> InvokeAsync(
        JsWorker worker, UdfPath path, UdfKind kind, string argsArrayJson, string requestId, ExecutionLimits limits,
        CancellationToken cancellationToken)
    {
        if (!worker.IsImported(path.ModulePath))
        {
            worker.Budget.Arm(limits.UserTime is null ? ImportLimits with { UserTime = null } : ImportLimits);
            var imported = await JsEventLoop.RunAsync(worker, () =>
            {
                Resolve(worker, path, kind);
                return new JsString("null");
            }, cancellationToken);
            if (!imported.Succeeded)
            {
                return imported;
            }
        }

        worker.Budget.Arm(limits);
        return await JsEventLoop.RunAsync(worker, () =>
        {
            var function = Resolve(worker, path, kind);
            var invoke = function.Get(InvokeName(kind));
            JsValue[] args = kind == UdfKind.Action
                ? [new JsString(requestId), new JsString(argsArrayJson)]
                : [new JsString(argsArrayJson)];
            return worker.Engine.Invoke(invoke, function, args);
        }, cancellationToken);
    }

    /// <summary>The exported function object, checked to be of the requested kind.</summary>
    public static ObjectInstance Resolve(JsWorker worker, UdfPath path, UdfKind kind)
    {
        if (!worker.Modules.Contains(path.ModulePath) || ModulePath.IsChunk(path.ModulePath))
        {
            throw NotFound(path);
        }

        var ns = worker.Import(path.ModulePath);
        if (ns.Get(path.ExportName) is not ObjectInstance function || KindOf(function) is not { } actual)
        {
            throw NotFound(path);
        }

        if (actual != kind)
        {
            throw new ConvexException("FunctionKindMismatch",
                $"Function {path} is registered as a {Name(actual)} but is being run as a {Name(kind)}");
        }

        return function;
    }

    internal static UdfKind? KindOf(ObjectInstance function) =>
        IsTrue(function, "isQuery") ? UdfKind.Query
        : IsTrue(function, "isMutation") ? UdfKind.Mutation
        : IsTrue(function, "isAction") ? UdfKind.Action
        : null;

    internal static bool IsTrue(ObjectInstance obj, string property) => obj.Get(property) is JsBoolean b && b.AsBoolean();

    internal static ConvexException NotFound(UdfPath path) =>
        new("FunctionNotFound",
            $"Could not find public function for '{path}'. Did you forget to run `npx convex dev` or `npx convex deploy`?");

    private static string InvokeName(UdfKind kind) => kind switch
    {
        UdfKind.Query => "invokeQuery",
        UdfKind.Mutation => "invokeMutation",
        _ => "invokeAction",
    };

    internal static string Name(UdfKind kind) => kind switch
    {
        UdfKind.Query => "query",
        UdfKind.Mutation => "mutation",
        _ => "action",
    };
}
