using Convex.Sim.Functions.Modules;

namespace Convex.Sim.Functions.Hosting;

/// <summary>
/// The function runner's one-off, process-wide start-up costs, paid on purpose before the first push
/// or call instead of inside it:
/// <list type="bullet">
/// <item>Jint's static initialization: the first <see cref="Jint.Options"/> in a process builds Jint's
/// Temporal time-zone table with <c>TimeZoneInfo.GetSystemTimeZones()</c>, which sorts every system
/// time zone by its localized display name, one ICU lookup per zone: about 0.5–0.7 s of CPU on Linux
/// (docs/benchmarks.md, cold load);</item>
/// <item>the JIT of the parser's and interpreter's hot paths (Acornima's parser methods are marked
/// for full optimization, which ReadyToRun images never precompile), by parsing and evaluating a
/// small module in a throwaway worker.</item>
/// </list>
/// The server's composition root runs <see cref="Initialize"/> in the background while it opens the
/// database and Kestrel (V8 does the equivalent with its startup snapshot before Node runs a line). A
/// push that arrives sooner just waits for the class constructor's lock; nothing runs twice and no
/// state is shared with later engines.
/// </summary>
public static class EngineStatics
{
    /// <summary>Pays the one-off costs; synchronous, and cheap when they were paid already.</summary>
    public static void Initialize(TimeProvider clock) => _ = WarmUp(clock);

    /// <summary>The throwaway worker with the warm-up module imported (its <c>result</c> export is a
    /// promise of 3 when every path ran; tests check it).</summary>
    internal static JsWorker WarmUp(TimeProvider clock)
    {
        var worker = new JsWorker(new ModuleSet([new ModuleSource(WarmUpPath, WarmUpModule)]), clock);
        worker.Import(WarmUpPath);
        return worker;
    }

    internal const string WarmUpPath = "warmup.js";

    /// <summary>Everyday syntax of bundled Convex code: classes, destructuring, spread, template strings,
    /// iterators, closures, JSON, try/catch, async functions and promises.</summary>
    private const string WarmUpModule = """
        const table = new Map();
        class Counter {
          #n = 0;
          inc(by = 1) { this.#n += by; return this.#n; }
          get value() { return this.#n; }
        }
        export async function run({ items = [], label } = {}) {
          const counter = new Counter();
          for (const [i, item] of items.entries()) {
            table.set(`${label}:${i}`, { ...item, i });
            counter.inc();
          }
          const out = [...table.values()].filter((x) => x.i % 2 === 0).map(({ i, ...rest }) => ({ i, keys: Object.keys(rest) }));
          try {
            JSON.parse(JSON.stringify(out));
          } catch (e) {
            throw new Error(String(e));
          }
          await Promise.resolve();
          return counter.value;
        }
        export const result = run({ items: [{ a: 1 }, { b: 2 }, { c: 3 }], label: "w" });
        """;
}
