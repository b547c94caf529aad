using static Convex.Sim.Functions.Tests.WebApis.JsHarness;

namespace Convex.Sim.Functions.Tests.WebApis;

public sealed class UrlSearchParamsTests
{
    [Fact]
    public async Task A_query_string_is_parsed_in_order_with_repeated_names()
    {
        var value = await EvalAsync("""
            (() => { const p = new URLSearchParams("?a=1&b=2&a=3");
              return [p.getAll("a"), p.get("b"), p.get("zz"), p.has("a"), p.has("a", "3"), p.has("a", "4"), p.size,
                p.toString()]; })()
            """);
        Assert.Equal("""[["1","3"],"2",null,true,true,false,3,"a=1&b=2&a=3"]""", value.GetRawText());
    }

    [Fact]
    public async Task Decoding_handles_plus_percent_escapes_and_missing_parts()
    {
        var value = await EvalAsync(
            """[...new URLSearchParams("a=%20b+c&%E2%82%AC=x&=empty&novalue&&bad=%zz&x=y=z")]""");
        Assert.Equal(
            """[["a"," b c"],["€","x"],["","empty"],["novalue",""],["bad","%zz"],["x","y=z"]]""", value.GetRawText());
    }

    [Fact]
    public async Task Serialization_uses_the_form_urlencoded_byte_set()
    {
        var value = await EvalAsync("""
            (() => { const p = new URLSearchParams();
              p.append("q", "a b&c=d/é*~-._!'()"); p.append("ü", ""); return p.toString(); })()
            """);
        Assert.Equal("q=a+b%26c%3Dd%2F%C3%A9*%7E-._%21%27%28%29&%C3%BC=", value.GetString());
    }

    [Fact]
    public async Task Records_sequences_and_other_params_initialize_a_list()
    {
        var value = await EvalAsync("""
            [new URLSearchParams({ x: "1", y: 2, [Symbol("s")]: 3 }).toString(),
             new URLSearchParams([["a", "1"], ["b", "2"]]).toString(),
             new URLSearchParams(new URLSearchParams("k=v")).toString(),
             new URLSearchParams(new Map([["m", "1"]])).toString(),
             new URLSearchParams().toString(), new URLSearchParams(undefined).size, new URLSearchParams(12).toString()]
            """);
        Assert.Equal("""["x=1&y=2","a=1&b=2","k=v","m=1","",0,"12="]""", value.GetRawText());
    }

    [Fact]
    public async Task A_pair_that_is_not_a_pair_is_a_TypeError()
    {
        Assert.Equal(
            "Uncaught TypeError: Failed to construct 'URLSearchParams': " +
            "Sequence initializer must only contain pair elements",
            await ErrorAsync("new URLSearchParams([['a', '1', 'x']]);"));
    }

    [Fact]
    public async Task A_broken_iterator_is_a_TypeError()
    {
        Assert.Equal("Uncaught TypeError: The iterator's next method is not a function",
            await ErrorAsync("new URLSearchParams({ [Symbol.iterator]() { return { next: 1 }; } });"));
    }

    [Fact]
    public async Task Set_delete_and_sort_edit_the_list()
    {
        var value = await EvalAsync("""
            (() => { const p = new URLSearchParams("a=1&b=2&a=3"); const out = [];
              p.set("a", "9"); out.push(p.toString());
              p.set("c", "new"); out.push(p.toString());
              p.append("a", "1"); p.append("a", "2"); p.delete("a", "1"); out.push(p.toString());
              p.delete("a"); out.push(p.toString());
              const s = new URLSearchParams("z=1&a=2&z=0&b=3&A=4"); s.sort(); out.push(s.toString());
              return out; })()
            """);
        Assert.Equal(
            """["a=9&b=2","a=9&b=2&c=new","a=9&b=2&c=new&a=2","b=2&c=new","A=4&a=2&b=3&z=1&z=0"]""",
            value.GetRawText());
    }

    [Fact]
    public async Task Iteration_protocols_all_walk_the_pairs_in_order()
    {
        var value = await EvalAsync("""
            (() => { const p = new URLSearchParams("a=1&b=2"); const out = [];
              for (const [k, v] of p) out.push(k + v);
              p.forEach(function (v, k, self) { out.push(k + v + (self === p) + (this === out)); }, out);
              out.push([...p.keys()].join(), [...p.values()].join(), JSON.stringify([...p.entries()]));
              out.push(p[Symbol.iterator] === p.entries, Object.prototype.toString.call(p));
              return out; })()
            """);
        Assert.Equal(
            """["a1","b2","a1truetrue","b2truetrue","a,b","1,2","[[\"a\",\"1\"],[\"b\",\"2\"]]",""" +
            """true,"[object URLSearchParams]"]""",
            value.GetRawText());
    }

    [Fact]
    public async Task ForEach_sees_pairs_the_callback_appends()
    {
        var value = await EvalAsync("""
            (() => { const p = new URLSearchParams("a=1"); const seen = [];
              p.forEach((v, k) => { seen.push(k); if (seen.length < 3) p.append("n" + seen.length, "x"); });
              return seen; })()
            """);
        Assert.Equal("""["a","n1","n2"]""", value.GetRawText());
    }
}
