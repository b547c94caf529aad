using static Convex.Sim.Functions.Tests.WebApis.JsHarness;

namespace Convex.Sim.Functions.Tests.WebApis;

public sealed class StructuredCloneTests
{
    [Fact]
    public async Task Primitives_come_back_unchanged()
    {
        var value = await EvalAsync("""
            (() => { const c = structuredClone; return [c(1), c("s"), c(true), c(null), c(undefined) === undefined,
              c(12345678901234567890n) === 12345678901234567890n, Object.is(c(-0), -0), Number.isNaN(c(NaN))]; })()
            """);
        Assert.Equal("""[1,"s",true,null,true,true,true,true]""", value.GetRawText());
    }

    [Fact]
    public async Task Objects_and_arrays_are_deep_copies_with_holes_and_extra_keys()
    {
        var value = await EvalAsync("""
            (() => { const arr = [1, , 3]; arr.extra = "e"; const o = { a: { b: [arr] }, [Symbol("s")]: 1 };
              Object.defineProperty(o, "hidden", { value: 1, enumerable: false });
              const c = structuredClone(o);
              return [c !== o, c.a !== o.a, c.a.b[0] !== arr, c.a.b[0].length, 1 in c.a.b[0], c.a.b[0].extra,
                Object.getOwnPropertySymbols(c).length, "hidden" in c, Array.isArray(c.a.b[0]), JSON.stringify(c)]; })()
            """);
        Assert.Equal(
            """[true,true,true,3,false,"e",0,false,true,"{\"a\":{\"b\":[[1,null,3]]}}"]""", value.GetRawText());
    }

    [Fact]
    public async Task Class_instances_become_plain_objects_of_their_own_data()
    {
        var value = await EvalAsync("""
            (() => { class P { constructor() { this.x = 1; } get y() { return 2; } } const c = structuredClone(new P());
              return [Object.getPrototypeOf(c) === Object.prototype, c.x, c.y]; })()
            """);
        Assert.Equal("[true,1,null]", value.GetRawText());
    }

    [Fact]
    public async Task Circular_and_shared_references_are_preserved()
    {
        var value = await EvalAsync("""
            (() => { const shared = { s: 1 }; const o = { shared, again: shared }; o.self = o;
              const m = new Map(); m.set(m, o); const c = structuredClone({ o, m });
              return [c.o.self === c.o, c.o.shared === c.o.again, c.o.shared !== shared, c.m.get(c.m) === c.o]; })()
            """);
        Assert.Equal("[true,true,true,true]", value.GetRawText());
    }

    [Fact]
    public async Task Dates_regexps_maps_sets_and_errors_are_rebuilt()
    {
        var value = await EvalAsync("""
            (() => { const re = /a+b/gi; re.lastIndex = 3;
              const src = { d: new Date(86400000), r: re, m: new Map([[1, { k: "v" }]]), s: new Set(["x", 2]),
                e: new RangeError("bad", { cause: "why" }), bad: new Date(NaN), b: Object(false) };
              const c = structuredClone(src);
              return [c.d instanceof Date, c.d.getTime(), c.d !== src.d, c.r.source, c.r.flags, c.r.lastIndex,
                c.m.get(1).k, c.m.get(1) !== src.m.get(1), [...c.s], c.e instanceof RangeError, c.e.message, c.e.cause,
                Number.isNaN(c.bad.getTime()), typeof c.b, c.b.valueOf()]; })()
            """);
        Assert.Equal("""[true,86400000,true,"a+b","gi",0,"v",true,["x",2],true,"bad","why",true,"object",false]""",
            value.GetRawText());
    }

    [Fact]
    public async Task Buffers_and_views_are_copied_and_views_of_one_buffer_stay_together()
    {
        var value = await EvalAsync("""
            (() => { const buf = new ArrayBuffer(8);
              const a = new Uint8Array(buf, 2, 3); const b = new Int16Array(buf, 4, 2);
              const dv = new DataView(buf, 1, 2); a.set([1, 2, 3]);
              const c = structuredClone({ a, b, dv, buf, big: new BigInt64Array([5n]) });
              c.a[0] = 99;
              return [c.a instanceof Uint8Array, Array.from(c.a), c.a.byteOffset, c.b instanceof Int16Array, c.b.length,
                c.a.buffer === c.buf, c.b.buffer === c.buf, c.dv.buffer === c.buf, c.dv.byteOffset, c.dv.byteLength,
                new Uint8Array(buf)[2], c.big[0] === 5n, c.buf !== buf]; })()
            """);
        Assert.Equal("[true,[99,2,3],2,true,2,true,true,true,1,2,1,true,true]", value.GetRawText());
    }

    [Theory]
    [InlineData("() => 1", "function x() { [native code] } could not be cloned.")]
    [InlineData("Symbol('s')", "Symbol(s) could not be cloned.")]
    [InlineData("Promise.resolve()", "#<Promise> could not be cloned.")]
    [InlineData("new WeakMap()", "#<WeakMap> could not be cloned.")]
    [InlineData("new URL('https://h/')", "#<URL> could not be cloned.")]
    public async Task Uncloneable_values_throw_DataCloneError(string expression, string what)
    {
        var value = await EvalAsync($$"""
            (() => { try { structuredClone({ x: {{expression}} }); return null; }
              catch (e) { return [e.name, e.code, e instanceof DOMException, e.message]; } })()
            """);
        Assert.Equal("DataCloneError", value[0].GetString());
        Assert.Equal(25, value[1].GetInt32());
        Assert.True(value[2].GetBoolean());
        Assert.Equal("Failed to execute 'structuredClone': " + what, value[3].GetString());
    }

    [Fact]
    public async Task A_very_deep_graph_is_a_RangeError_not_a_crash()
    {
        var value = await EvalAsync("""
            (() => { let o = {}; for (let i = 0; i < 200000; i++) o = { o };
              try { structuredClone(o); return "cloned"; } catch (e) { return e.name; } })()
            """);
        Assert.Equal("RangeError", value.GetString());
    }
}
