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

    /// <summary>Everyday syntax of bundled Convex code and of the library chunk esbuild emits: classes
    /// (private, static and public fields, accessors, <c>extends Error</c>), the helpers esbuild defines at
    /// the top of a chunk, destructuring with defaults and rest, spread, template strings, iterators and
    /// generators, <c>for await</c>, optional chaining, <c>??</c>, <c>switch</c>, labels, regular
    /// expressions, BigInt, typed arrays, JSON with a replacer, try/finally, async functions and
    /// promises. A string the library's value-conversion code holds sends the module through the
    /// fingerprinting of <see cref="Library.LibrarySubstitution"/> too (it matches nothing here).</summary>
    private const string WarmUpModule = """
        var __defProp = Object.defineProperty;
        var __defNormalProp = (obj, key, value) => key in obj ? __defProp(obj, key, { enumerable: true, configurable: true, writable: true, value }) : obj[key] = value;
        var __publicField = (obj, key, value) => __defNormalProp(obj, typeof key !== "symbol" ? key + "" : key, value);
        const table = new Map();
        const seen = new Set();
        class WarmError extends Error {
          constructor(message, data) {
            super(message);
            __publicField(this, "name", "WarmError");
            this.data = data;
          }
        }
        class Counter {
          #n = 0;
          static created = 0;
          constructor() { Counter.created++; }
          inc(by = 1) { this.#n += by; return this.#n; }
          get value() { return this.#n; }
          set value(v) { this.#n = v; }
          static isCounter(x) { return x instanceof Counter; }
        }
        function* range(n) { for (let i = 0; i < n; i++) yield i; }
        async function* later(items) { for (const item of items) { await null; yield item; } }
        function describe(value) {
          switch (typeof value) {
            case "bigint": return `${value}n`;
            case "number": return Number.isInteger(value) ? "int" : value ** 2 > 1 ? "big" : "small";
            case "string": return /^[ -~]*$/.test(value) ? "ascii" : "other";
            case "object": return value === null ? "null" : Array.isArray(value) ? "array" : value?.constructor?.name ?? "object";
            default: return String(value);
          }
        }
        function check(value, context = "") {
          if (value === undefined) {
            throw new WarmError(`undefined is not a valid Convex value (present at path ${context})`, { context });
          }
          return describe(value);
        }
        export async function run({ items = [], label, ...rest } = {}) {
          const counter = new Counter();
          outer: for (const [i, item] of items.entries()) {
            for (const key in item) {
              if (seen.has(key)) continue outer;
              seen.add(key);
            }
            table.set(`${label}:${i}`, { ...item, i, kind: check(item[Object.keys(item)[0]], label) });
            counter.inc();
          }
          const bytes = new TextEncoder().encode(label ?? "");
          const view = new DataView(new Uint8Array([...bytes, 0, 0, 0, 0, 0, 0, 0]).buffer);
          const sum = [...range(4)].reduce((a, b) => a + b, 0) + (view.getUint8(0) >>> 8) + Number(BigInt(sum0) & 0n);
          const out = [...table.values()].filter((x) => x.i % 2 === 0).map(({ i, ...fields }) => ({ i, keys: Object.keys(fields).sort() }));
          let text;
          try {
            text = JSON.stringify(Object.fromEntries(out.map((o) => [String(o.i), o])), (k, v) => (typeof v === "bigint" ? v.toString() : v));
            JSON.parse(text, (k, v) => v);
            check(undefined, "$.x");
          } catch (e) {
            if (!(e instanceof WarmError) || e.data.context !== "$.x") throw new Error(String(e));
          } finally {
            table.clear();
          }
          const streamed = [];
          for await (const item of later([1, 2])) streamed.push(item);
          const [first = 0, , third = 3] = await Promise.all([Promise.resolve(1), 2, Promise.resolve()]);
          Object.freeze(rest);
          return Counter.isCounter(counter) && sum === 6 && streamed.length === 2 && first + third === 4 && text.length > 0
            ? counter.value
            : -1;
        }
        const sum0 = 6;
        export const result = run({ items: [{ a: 1 }, { b: 2.5 }, { c: "x" }, { a: 4 }], label: "w" });
        """;
}
