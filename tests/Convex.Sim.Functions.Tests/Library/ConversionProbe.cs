using Convex.Sim.Functions.Hosting;
using Convex.Sim.Functions.Library;
using Convex.Sim.Functions.Modules;
using Convex.Sim.Testing.Corpus;
using Convex.Sim.Functions.Tests.WebApis;
using Jint;
using Jint.Native;

namespace Convex.Sim.Functions.Tests.Library;

/// <summary>
/// One engine running the corpus bundle's own copy of the library's value conversion, either as
/// substituted (native) or as pushed (interpreted). The library chunk gets one extra top-level
/// function that hands out <c>convexToJsonInternal</c> and <c>jsonToConvex</c> (a declaration:
/// it is not part of their closures, so the chunk is still recognised). A test module builds
/// inputs from a JSON description (no eval: engines refuse string compilation) and describes
/// results, including what JSON cannot show (bigint, -0, NaN, bytes, holes, prototypes).
/// </summary>
internal sealed class ConversionProbe
{
    private const string TestModule = """
        import { __convexSimProbe } from "./CHUNK";
        const conversion = __convexSimProbe();

        class Custom { constructor() { this.a = 1; } }

        function build(d) {
          switch (d[0]) {
            case "null": return null;
            case "undefined": return undefined;
            case "bool": return d[1];
            case "num": return d[1] === "-0" ? -0 : d[1] === "NaN" ? NaN : d[1] === "Infinity" ? Infinity
              : d[1] === "-Infinity" ? -Infinity : Number(d[1]);
            case "big": return BigInt(d[1]);
            case "str": return d[1];
            case "bytes": return new Uint8Array(d[1]).buffer;
            case "arr": return d[1].map(build);
            case "holes": { const a = d[1].map(build); delete a[0]; return a; }
            case "obj": { const o = {}; for (const [k, v] of d[1]) o[k] = build(v); return o; }
            case "json": return JSON.parse(d[1]);
            case "nullproto": { const o = Object.create(null); for (const [k, v] of d[1]) o[k] = build(v); return o; }
            case "getter": { const o = {}; Object.defineProperty(o, d[1], { get: () => build(d[2]), enumerable: true }); return o; }
            case "hidden": { const o = { a: 1 }; Object.defineProperty(o, "h", { value: build(d[1]), enumerable: false }); return o; }
            case "proxy": return new Proxy(build(d[1]), {});
            case "symbol": return Symbol(d[1]);
            case "fn": return function f() {};
            case "set": return new Set([1]);
            case "map": return new Map([[1, 2]]);
            case "class": return new Custom();
            case "date": return new Date(0);
            case "cycle": { const o = { a: 1 }; o.self = o; return o; }
            case "deep": { let v = build(d[2]); for (let i = 0; i < d[1]; i++) v = { x: v }; return v; }
            case "long": return Array.from({ length: d[1] }, (_, i) => ({ i, s: "v" + i }));
            default: throw new Error("unknown description " + d[0]);
          }
        }

        function describe(v) {
          if (v === null) return "null";
          switch (typeof v) {
            case "undefined": return "undefined";
            case "bigint": return v + "n";
            case "number": return Object.is(v, -0) ? "-0" : String(v);
            case "string": return JSON.stringify(v);
            case "boolean": return String(v);
            case "symbol": return v.toString();
            case "function": return "function";
          }
          if (v instanceof ArrayBuffer) return "bytes(" + Array.from(new Uint8Array(v)).join(",") + ")";
          const proto = Object.getPrototypeOf(v);
          if (Array.isArray(v)) {
            const items = [];
            for (let i = 0; i < v.length; i++) items.push(i in v ? describe(v[i]) : "<hole>");
            return (proto === Array.prototype ? "" : "<proto>") + "[" + items.join(",") + "]";
          }
          const tag = proto === Object.prototype ? "" : proto === null ? "<null>" : "<" + proto?.constructor?.name + ">";
          const fields = Object.getOwnPropertyNames(v).map(k => {
            const d = Object.getOwnPropertyDescriptor(v, k);
            return JSON.stringify(k) + (d.enumerable ? "" : "~") + ":" + ("value" in d ? describe(d.value) : "<accessor>");
          });
          return tag + "{" + fields.join(",") + "}";
        }

        export function run(kind, description) {
          const input = build(JSON.parse(description));
          try {
            switch (kind) {
              case "toJson": return describe(conversion.toJson(input, false));
              case "toJsonPatch": return describe(conversion.toJson(input, true));
              case "fromJson": return describe(conversion.fromJson(input));
              case "roundTrip": {
                const json = JSON.stringify(conversion.toJson(input, false));
                return json + " => " + describe(conversion.fromJson(JSON.parse(json)));
              }
            }
          } catch (e) {
            return "throws " + e?.constructor?.name + ": " + e?.message;
          }
        }

        export function addObjectPrototypeSetter() {
          Object.defineProperty(Object.prototype, "a", { set(v) { globalThis.seen = v; }, configurable: true });
        }

        export function patchObjectEntries() {
          const original = Object.entries;
          Object.entries = (o) => original(o).reverse();
        }
        """;

    private readonly Jint.Native.Function.Function _run;

    public ConversionProbe(ValueConversion conversion, Func<string, string>? changeChunk = null)
    {
        var (modules, chunk) = changeChunk is null ? Modules() : Build(changeChunk);
        Worker = new JsWorker(modules, new ManualClock(JsHarness.Start), conversion: conversion);
        var ns = Worker.Import("probe.js");
        _run = (Jint.Native.Function.Function)ns.Get("run");
        Namespace = ns;
        ChunkPath = chunk;
    }

    public JsWorker Worker { get; }

    public Jint.Native.Object.ObjectInstance Namespace { get; }

    public string ChunkPath { get; }

    /// <summary>The description of the result, "throws Type: message", or "host: ExceptionType" when Jint itself gave up.</summary>
    public string Run(string kind, string description)
    {
        try
        {
            return _run.Call(JsValue.Undefined, [new JsString(kind), new JsString(description)]).ToString();
        }
        catch (Jint.Runtime.JavaScriptException e)
        {
            return "uncaught " + e.Message;
        }
        catch (Exception e) when (e is Jint.Runtime.RecursionDepthOverflowException or InsufficientExecutionStackException)
        {
            return "host: recursion";
        }
    }

    private static readonly Lazy<(ModuleSet, string)> Built = new(() => Build(static source => source));

    internal static (ModuleSet Modules, string ChunkPath) Modules() => Built.Value;

    /// <summary>The corpus with the probe added to its library chunk, after <paramref name="changeChunk"/> rewrote that chunk.</summary>
    private static (ModuleSet, string) Build(Func<string, string> changeChunk)
    {
        var modules = CorpusBundle.Modules;
        foreach (var module in modules)
        {
            var prepared = CorpusBundle.ModuleSet.Prepared(module.Path);
            var found = LibrarySubstitution.Find(prepared.Program!, module.Source);
            if (found.Count != 2)
            {
                continue;
            }

            var toJson = found.Single(f => f.Known.Kind == NativeFunctionKind.ConvexToJsonInternal).Function.Id!.Name;
            var fromJson = found.Single(f => f.Known.Kind == NativeFunctionKind.JsonToConvex).Function.Id!.Name;
            var probe = $$"""

                export function __convexSimProbe() {
                  return { toJson: (v, undef) => {{toJson}}(v, v, "", undef), fromJson: (v) => {{fromJson}}(v) };
                }
                """;
            var set = modules.Select(m => m.Path == module.Path ? new ModuleSource(m.Path, changeChunk(m.Source) + probe) : m)
                .Append(new ModuleSource("probe.js", TestModule.Replace("./CHUNK", "./" + module.Path, StringComparison.Ordinal)));
            return (new ModuleSet(set), module.Path);
        }

        throw new InvalidOperationException("the corpus bundle holds no recognised library chunk");
    }
}
