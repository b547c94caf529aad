using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using Convex.Sim.Functions.Hosting;
using Convex.Sim.Functions.Library;
using Convex.Sim.Functions.Modules;

namespace Convex.Sim.Benchmarks;

/// <summary>
/// The process-cold load split into phases (<c>--cold-load</c>, run as the only thing in a fresh
/// process): the server's start-up initialization (<see cref="EngineStatics"/>: Jint's static
/// initialization, the JIT of its parser and interpreter on a small module), engine (a new <see cref="JsWorker"/>:
/// the intrinsics, the web APIs), parse (every module prepared, the library chunk substituted) and evaluate (every entry
/// module imported from the parsed ASTs). Each phase reports wall time, process CPU and what the
/// JIT did in it (<see cref="JitInfo"/>: methods compiled and compile time, counted on every thread).
/// The sum is the same work as <see cref="ColdLoad"/>'s first load, whose import parses on demand.
/// The last line is one JSON object for the parent process (<see cref="ReadyToRunColdLoad"/>).
/// </summary>
internal static class ColdLoadPhases
{
    public const string ResultPrefix = "cold-load-result ";

    public static void Report(IReadOnlyList<ModuleSource> modules)
    {
        var processCold = !AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name == "Jint");
        var set = new ModuleSet(modules);
        var phases = new List<Phase>();
        var start = Stopwatch.GetTimestamp();
        // What the server's composition root runs in the background at start-up (EngineStatics): Jint's
        // static initialization, and the JIT of the parser and interpreter on a small module.
        Measure(phases, "start-up-init", () =>
        {
            EngineStatics.Initialize(TimeProvider.System);
            return 0;
        });
        var afterStatics = Stopwatch.GetTimestamp();
        var worker = Measure(phases, "engine", () => new JsWorker(set, TimeProvider.System));
        Measure(phases, "parse", () =>
        {
            foreach (var path in set.Paths)
            {
                _ = set.Prepared(path, ValueConversion.Native);
            }

            return 0;
        });
        Measure(phases, "evaluate", () =>
        {
            foreach (var path in set.Paths.Where(p => !p.StartsWith("_deps/", StringComparison.Ordinal)))
            {
                worker.Import(path);
            }

            return 0;
        });
        var totalMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        var afterStaticsMs = Stopwatch.GetElapsedTime(afterStatics).TotalMilliseconds;
        var cpuMs = phases.Sum(p => p.CpuMs);
        Console.WriteLine(Text.Invariant($"fn cold load phases ({(processCold ? "first in process" : "Jint loaded")}, ",
            $"{(IsReadyToRun() ? "ReadyToRun" : "JIT")}): ",
            $"{string.Join(", ", phases.Select(p => p.ToString()))}; total {totalMs:F1} ms, cpu {cpuMs:F1} ms"));
        Console.WriteLine(ResultPrefix + string.Create(CultureInfo.InvariantCulture,
            $"{{\"processCold\":{(processCold ? "true" : "false")},\"totalMs\":{totalMs:F2},\"afterStaticsMs\":{afterStaticsMs:F2},\"cpuMs\":{cpuMs:F2},\"readyToRun\":{(IsReadyToRun() ? "true" : "false")}}}"));
    }

    /// <summary>Whether Jint's code in this process was precompiled (a ReadyToRun publish) rather than JIT-compiled.</summary>
    public static bool IsReadyToRun()
    {
        var location = typeof(Jint.Engine).Assembly.Location;
        if (location.Length == 0)
        {
            return false;
        }

        using var stream = File.OpenRead(location);
        using var reader = new System.Reflection.PortableExecutable.PEReader(stream);
        // A ReadyToRun image carries a managed native header in its CLI header.
        return reader.PEHeaders.CorHeader?.ManagedNativeHeaderDirectory.Size > 0;
    }

    private static T Measure<T>(List<Phase> phases, string name, Func<T> body)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var jit = JitInfo.GetCompilationTime();
        var jitted = JitInfo.GetCompiledMethodCount();
        var start = Stopwatch.GetTimestamp();
        var result = body();
        phases.Add(new Phase(name, Stopwatch.GetElapsedTime(start).TotalMilliseconds,
            (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds,
            (JitInfo.GetCompilationTime() - jit).TotalMilliseconds, JitInfo.GetCompiledMethodCount() - jitted));
        return result;
    }

    private sealed record Phase(string Name, double WallMs, double CpuMs, double JitMs, long Jitted)
    {
        public override string ToString() =>
            Text.Invariant($"{Name} {WallMs:F1} ms (cpu {CpuMs:F1}, jit {JitMs:F1} ms for {Jitted} methods)");
    }
}
