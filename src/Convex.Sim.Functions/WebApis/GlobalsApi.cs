using Convex.Sim.Core;
using Jint;
using Jint.Native;
using Jint.Native.Object;

namespace Convex.Sim.Functions.WebApis;

/// <summary>
/// The small globals: <c>performance</c>, <c>queueMicrotask</c> and <c>process</c>.
/// </summary>
internal static class GlobalsApi
{
    /// <summary>
    /// <c>performance.now()</c> reads the execution's clock, so it is frozen in queries and
    /// mutations like <c>Date.now()</c> and follows simulated time in the simulator. The time
    /// origin is the Unix epoch (<c>timeOrigin</c> is 0): Convex.Sim has no per-isolate start
    /// time that would survive worker reuse deterministically, and with this origin
    /// <c>performance.timeOrigin + performance.now()</c> is <c>Date.now()</c> with sub-millisecond precision.
    /// </summary>
    public static JsValue CreatePerformance(WebApiContext context)
    {
        var performance = new HostClass<PerformanceState>(context, "Performance", 0, create: null);
        JsValue Now()
        {
            var elapsed = context.Worker.Clock.GetUtcNow() - DateTimeOffset.UnixEpoch;
            return JsNumber.Create(elapsed.Ticks / (double)TimeSpan.TicksPerMillisecond);
        }

        performance.Method("now", 0, (_, _) => Now());
        performance.Accessor("timeOrigin", _ => JsNumber.Create(0));
        performance.Method("toJSON", 0, (_, _) =>
        {
            var json = new JsObject(context.Engine);
            json.Set("timeOrigin", JsNumber.Create(0));
            return json;
        });
        return performance.Wrap(PerformanceState.Instance);
    }

    /// <summary><c>queueMicrotask</c> (HTML §8.7): an error the callback throws fails the function.</summary>
    public static JsValue CreateQueueMicrotask(WebApiContext context) =>
        context.Function("queueMicrotask", 1, (_, args) =>
        {
            var callback = WebApiContext.Arg(args, 0);
            if (!callback.IsCallable())
            {
                throw context.TypeError(
                    "Failed to execute 'queueMicrotask': The callback provided as parameter 1 is not a function.");
            }

            context.QueueMicrotask(callback);
            return JsValue.Undefined;
        });

    /// <summary>
    /// <c>process</c> with only <c>env</c>, as in Convex (which is also why libraries that sniff
    /// <c>process.versions.node</c> do not mistake this for Node). <c>env</c> reads the deployment's
    /// environment variables through the execution's host (<see cref="ProcessEnvObject"/>).
    /// </summary>
    public static JsValue CreateProcess(WebApiContext context)
    {
        var process = new JsObject(context.Engine);
        var env = new ProcessEnvObject(context);
        process.Set("env", env);
        Invariant.Assert(env.GetOwnPropertyKeys().Count == 0);
        return process;
    }

    private sealed class PerformanceState
    {
        public static readonly PerformanceState Instance = new();
    }
}
