using Convex.Sim.Core;
using Convex.Sim.Functions.Hosting;
using Jint;
using Jint.Native;
using Jint.Native.Object;

namespace Convex.Sim.Functions.Execution;

/// <summary>
/// Drives the router that <c>http.js</c> default-exports, in the two steps Convex takes
/// (convex-compat §4.7): <c>lookup(path, method)</c> names the route (<c>[handler, method,
/// routedPath]</c> or null; the library looks HEAD up as GET), then
/// <c>runRequest(requestDescriptor, path)</c> runs the handler and resolves to the JSON of a
/// response descriptor. Both run in the same execution, under one action budget.
/// </summary>
internal static class HttpActionInvoker
{
    public const string ModulePath = "http.js";

    /// <summary>Budget for evaluating <c>http.js</c> the first time a worker imports it (as other modules).</summary>
    private static readonly ExecutionLimits ImportLimits =
        new() { UserTime = TimeSpan.FromSeconds(4), Statements = 50_000_000 };

    /// <summary>The route name (<c>GET /hello</c>, <c>POST /echo/*</c>), or null when no route matches.</summary>
    public static async Task<(JsOutcome Outcome, string? Route)> LookupAsync(
        JsWorker worker, string path, string method, ExecutionLimits limits, CancellationToken cancellationToken)
    {
        if (!worker.IsImported(ModulePath))
        {
            worker.Budget.Arm(limits.UserTime is null ? ImportLimits with { UserTime = null } : ImportLimits);
            var imported = await JsEventLoop.RunAsync(worker, () =>
            {
                Router(worker);
                return new JsString("null");
            }, cancellationToken);
            if (!imported.Succeeded)
            {
                return (imported, null);
            }
        }

        worker.Budget.Arm(limits);
        string? route = null;
        var outcome = await JsEventLoop.RunAsync(worker, () =>
        {
            var router = Router(worker);
            var found = worker.Engine.Invoke(router.Get("lookup"), router, [new JsString(path), new JsString(method)]);
            if (!found.IsNull() && !found.IsUndefined())
            {
                var tuple = found.AsArray();
                route = $"{tuple[1]} {tuple[2]}";
            }

            return new JsString("null");
        }, cancellationToken);
        Invariant.Assert(outcome.Succeeded || route is null);
        return (outcome, route);
    }

    /// <summary>Runs the request through <c>runRequest</c>; a success carries the response descriptor JSON.</summary>
    public static Task<JsOutcome> RunRequestAsync(
        JsWorker worker, string requestDescriptor, string path, CancellationToken cancellationToken)
    {
        Invariant.Assert(worker.IsImported(ModulePath), "lookup imported the router");
        return JsEventLoop.RunAsync(worker, () =>
        {
            var router = Router(worker);
            JsValue[] args = [new JsString(requestDescriptor), new JsString(path)];
            return worker.Engine.Invoke(router.Get("runRequest"), router, args);
        }, cancellationToken);
    }

    private static ObjectInstance Router(JsWorker worker)
    {
        var ns = worker.Import(ModulePath);
        if (ns.Get("default") is not ObjectInstance router || !FunctionInvoker.IsTrue(router, "isRouter")
            || !router.Get("lookup").IsCallable() || !router.Get("runRequest").IsCallable())
        {
            throw new ConvexException("InvalidHttpRouter",
                "http.js must default-export a router made with httpRouter() (with lookup and runRequest)");
        }

        return router;
    }
}
