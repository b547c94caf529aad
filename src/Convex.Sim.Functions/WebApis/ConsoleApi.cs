using Convex.Sim.Functions.Hosting;
using Jint;
using Jint.Native;

namespace Convex.Sim.Functions.WebApis;

/// <summary>
/// <c>console</c>: every call becomes a log line of the current execution (convex-compat §4.4).
/// <c>console.time</c>/<c>timeEnd</c> measure with the execution's clock, so they are
/// deterministic in the simulator (and 0 ms in queries and mutations, whose clock is frozen).
/// </summary>
internal static class ConsoleApi
{
    public static void Install(JsWorker worker)
    {
        var console = new JsObject(worker.Engine);
        void Level(string name, LogLevel level) =>
            console.Set(name, worker.Function(name, 0, (_, args) =>
            {
                worker.Host.Log(level, JsInspect.Format(args));
                return JsValue.Undefined;
            }));

        Level("log", LogLevel.Log);
        Level("info", LogLevel.Info);
        Level("warn", LogLevel.Warn);
        Level("error", LogLevel.Error);
        Level("debug", LogLevel.Debug);
        console.Set("trace", worker.Function("trace", 0, (_, args) =>
        {
            worker.Host.Log(LogLevel.Error, "Trace: " + JsInspect.Format(args));
            return JsValue.Undefined;
        }));
        InstallTimers(worker, console);
        worker.Engine.SetValue("console", console);
    }

    private static void InstallTimers(JsWorker worker, JsObject console)
    {
        var started = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        static string Label(JsValue[] args) => args.Length > 0 && !args[0].IsUndefined() ? args[0].ToString() : "default";
        console.Set("time", worker.Function("time", 0, (_, args) =>
        {
            var label = Label(args);
            if (!started.TryAdd(label, worker.Clock.GetUtcNow()))
            {
                worker.Host.Log(LogLevel.Warn, $"Timer '{label}' already exists");
            }

            return JsValue.Undefined;
        }));
        JsValue Report(JsValue[] args, bool end)
        {
            var label = Label(args);
            if (!started.TryGetValue(label, out var start))
            {
                worker.Host.Log(LogLevel.Warn, $"Timer '{label}' does not exist");
                return JsValue.Undefined;
            }

            if (end)
            {
                started.Remove(label);
            }

            var ms = (worker.Clock.GetUtcNow() - start).TotalMilliseconds;
            worker.Host.Log(LogLevel.Info, $"{label}: {JsInspect.NumberText(ms)}ms");
            return JsValue.Undefined;
        }

        console.Set("timeEnd", worker.Function("timeEnd", 0, (_, args) => Report(args, end: true)));
        console.Set("timeLog", worker.Function("timeLog", 0, (_, args) => Report(args, end: false)));
    }
}
