using static Convex.Sim.Functions.Tests.WebApis.JsHarness;

namespace Convex.Sim.Functions.Tests.WebApis;

public sealed class FetchAndHeadersTests
{
    [Fact]
    public async Task Fetch_in_a_query_or_mutation_is_Convex_error()
    {
        Assert.Equal("Uncaught Error: Can't use fetch() in queries and mutations. Please consider using an action.",
            await ErrorAsync("await fetch('https://example.com');"));
    }

    [Fact]
    public async Task Fetch_in_an_action_goes_through_the_host_and_resolves_to_a_Response()
    {
        var harness = await JsHarness.RunAsync("""
            export async function run() {
              const r = await fetch(new URL("https://example.com/a?b=1"), { method: "post", body: "hi", headers: { "X-A": "1" } });
              const text = await r.text();
              let reread = "";
              try { await r.text(); } catch (e) { reread = e.message; }
              return [r.status, r.ok, r.statusText, r.headers.get("x-echo"), r.url, text, r.bodyUsed, reread];
            }
            """, action: true);
        Assert.Equal(
            """[201,true,"Created","yes","https://example.com/a?b=1","POST https://example.com/a?b=1 hi",true,""" +
            "\"Body is unusable: Body has already been read\"]",
            harness.Value.GetRawText());
        var request = Assert.Single(harness.Host.Fetches);
        // A string body brings its Content-Type, as in every fetch (Fetch §5.2 "extract a body").
        Assert.Equal([new("content-type", "text/plain;charset=UTF-8"), new KeyValuePair<string, string>("x-a", "1")], request.Headers);
    }

    [Fact]
    public async Task Fetch_with_a_bad_url_or_a_GET_body_rejects()
    {
        Assert.StartsWith("Uncaught TypeError: Invalid URL", await ErrorAsync("await fetch('not a url');", action: true));
        Assert.Equal("Uncaught TypeError: Request with GET/HEAD method cannot have body.",
            await ErrorAsync("await fetch('https://example.com', { body: 'x' });", action: true));
    }

    [Fact]
    public async Task Response_json_and_clone_work_without_a_request()
    {
        var harness = await JsHarness.RunAsync("""
            export async function run() {
              const r = Response.json({ a: 1 }, { status: 202 });
              const c = r.clone();
              return [r.status, r.headers.get("content-type"), await r.json(), await c.text()];
            }
            """);
        Assert.Equal("""[202,"application/json",{"a":1},"{\"a\":1}"]""", harness.Value.GetRawText());
    }

    [Fact]
    public async Task Fetch_returns_a_rejected_promise_rather_than_throwing()
    {
        var value = await EvalAsync("""
            (() => { const p = fetch("https://example.com"); p.catch(() => {}); return p instanceof Promise; })()
            """);
        Assert.True(value.GetBoolean());
    }

    [Fact]
    public async Task Headers_are_case_insensitive_combined_and_sorted()
    {
        var value = await EvalAsync("""
            (() => { const h = new Headers({ "X-B": " 1 ", "Content-Type": "text/plain" });
              h.append("x-b", "2"); h.append("Set-Cookie", "a=1"); h.append("set-cookie", "b=2");
              return [h.get("X-b"), h.get("missing"), h.has("CONTENT-TYPE"), [...h], h.getSetCookie()]; })()
            """);
        Assert.Equal(
            """["1, 2",null,true,[["content-type","text/plain"],["set-cookie","a=1"],["set-cookie","b=2"],""" +
            """["x-b","1, 2"]],["a=1","b=2"]]""",
            value.GetRawText());
    }

    [Fact]
    public async Task Headers_set_delete_and_copy()
    {
        var value = await EvalAsync("""
            (() => { const h = new Headers([["a", "1"], ["a", "2"], ["b", "3"]]); const out = [];
              h.set("A", "9"); out.push([...h.entries()]);
              h.delete("b"); out.push([...h.keys()]);
              const copy = new Headers(h); copy.set("c", "4"); out.push([...h.values()], [...copy.values()]);
              const seen = []; copy.forEach((v, k) => seen.push(k + "=" + v)); out.push(seen);
              return out; })()
            """);
        Assert.Equal("""[[["a","9"],["b","3"]],["a"],["9"],["9","4"],["a=9","c=4"]]""", value.GetRawText());
    }

    [Theory]
    [InlineData("new Headers().append('bad name', 'v');", "Failed to execute 'append' on 'Headers': Invalid name")]
    [InlineData("new Headers().set('x', 'a\\nb');", "Failed to execute 'set' on 'Headers': Invalid value")]
    [InlineData("new Headers({ 'x': 'é€' });", "Failed to execute 'construct' on 'Headers': Invalid value")]
    public async Task Invalid_header_names_and_values_are_TypeErrors(string statement, string message)
    {
        Assert.Equal("Uncaught TypeError: " + message, await ErrorAsync(statement));
    }

    [Fact]
    public async Task AbortController_aborts_its_signal_once_and_tells_the_listeners_in_order()
    {
        var value = await EvalAsync("""
            (() => { const c = new AbortController(); const s = c.signal; const log = [];
              s.addEventListener("abort", (e) => log.push("first:" + e.type + (e.target === s)));
              s.onabort = () => log.push("handler");
              s.addEventListener("abort", () => log.push("once"), { once: true });
              const removed = () => log.push("removed");
              s.addEventListener("abort", removed); s.removeEventListener("abort", removed);
              const before = s.aborted;
              c.abort("why"); c.abort("again");
              let thrown; try { s.throwIfAborted(); } catch (e) { thrown = e; }
              return [before, s.aborted, s.reason, thrown, log, c.signal === s, s instanceof AbortSignal]; })()
            """);
        Assert.Equal("""[false,true,"why","why",["first:aborttrue","handler","once"],true,true]""", value.GetRawText());
    }

    [Fact]
    public async Task Signals_made_by_the_statics_and_the_default_reason()
    {
        var value = await EvalAsync("""
            (() => { const c = new AbortController(); c.abort(); const pre = AbortSignal.abort();
              const a = new AbortController(); const b = new AbortController();
              const any = AbortSignal.any([a.signal, b.signal]);
              const log = []; any.onabort = () => log.push("any");
              b.abort("b-reason");
              return [c.signal.reason.name, c.signal.reason instanceof DOMException, pre.aborted, pre.reason.name,
                any.aborted, any.reason, log, a.signal.aborted, AbortSignal.any([pre]).aborted]; })()
            """);
        Assert.Equal(
            """["AbortError",true,true,"AbortError",true,"b-reason",["any"],false,true]""", value.GetRawText());
    }

    [Fact]
    public async Task AbortSignal_cannot_be_constructed_and_timeout_is_not_supported_yet()
    {
        Assert.Equal("Uncaught TypeError: Illegal constructor", await ErrorAsync("new AbortSignal();"));
        Assert.Equal(
            "Uncaught Error: AbortSignal.timeout is not supported yet by Convex.Sim (see docs/compatibility.md)",
            await ErrorAsync("AbortSignal.timeout(10);"));
    }
}
