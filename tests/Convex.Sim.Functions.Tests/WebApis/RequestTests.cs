using static Convex.Sim.Functions.Tests.WebApis.JsHarness;

namespace Convex.Sim.Functions.Tests.WebApis;

/// <summary>The WHATWG <c>Request</c> and the body mixin it shares with <c>Response</c> (Fetch §5.4, §6.3).</summary>
public sealed class RequestTests
{
    [Fact]
    public async Task A_Request_is_built_from_a_url_and_init()
    {
        var harness = await JsHarness.RunAsync("""
            export async function run() {
              const r = new Request(new URL("https://a.test/p?x=1"), { method: "post", body: "hi", headers: { "X-A": "1" } });
              return [r.url, r.method, r.headers.get("x-a"), r.headers.get("content-type"), r.bodyUsed,
                await r.text(), r.bodyUsed, r.redirect, r.signal.aborted, Object.prototype.toString.call(r)];
            }
            """);
        Assert.Equal("""["https://a.test/p?x=1","POST","1","text/plain;charset=UTF-8",false,"hi",true,"follow",false,"[object Request]"]""",
            harness.Value.GetRawText());
    }

    [Fact]
    public async Task Bodies_are_read_once_as_text_json_arrayBuffer_or_bytes()
    {
        var harness = await JsHarness.RunAsync("""
            export async function run() {
              const make = () => new Request("https://a.test/", { method: "PUT", body: new Uint8Array([123, 34, 97, 34, 58, 49, 125]) });
              const a = make(), b = make(), c = make();
              const json = await a.json();
              let again = "";
              try { await a.text(); } catch (e) { again = e.constructor.name + ": " + e.message; }
              const buffer = await b.arrayBuffer();
              const bytes = await c.bytes();
              return [json, again, buffer instanceof ArrayBuffer, buffer.byteLength, bytes instanceof Uint8Array, bytes[0]];
            }
            """);
        Assert.Equal("""[{"a":1},"TypeError: Body is unusable: Body has already been read",true,7,true,123]""",
            harness.Value.GetRawText());
    }

    [Fact]
    public async Task Clone_copies_the_body_and_a_Request_can_be_rebuilt_from_another()
    {
        var harness = await JsHarness.RunAsync("""
            export async function run() {
              const r = new Request("https://a.test/", { method: "POST", body: "x" });
              const c = r.clone();
              const copy = new Request(c, { headers: { "x-b": "2" } });
              const texts = [await r.text(), await copy.text()];
              let cloneUsed = "";
              try { r.clone(); } catch (e) { cloneUsed = e.message; }
              return [texts, copy.method, copy.url, copy.headers.get("x-b"), cloneUsed];
            }
            """);
        Assert.Equal("""[["x","x"],"POST","https://a.test/","2","Request.clone: Body has already been consumed."]""",
            harness.Value.GetRawText());
    }

    [Fact]
    public async Task Invalid_requests_throw_TypeErrors()
    {
        Assert.Equal("Uncaught TypeError: Request with GET/HEAD method cannot have body.",
            await ErrorAsync("new Request('https://a.test/', { body: 'x' });"));
        Assert.Equal("Uncaught TypeError: 'TRACE' HTTP method is unsupported.",
            await ErrorAsync("new Request('https://a.test/', { method: 'TRACE' });"));
        Assert.StartsWith("Uncaught TypeError: Invalid URL", await ErrorAsync("new Request('/relative');"));
    }

    [Fact]
    public async Task Blob_FormData_and_stream_bodies_are_not_supported_yet()
    {
        var harness = await JsHarness.RunAsync("""
            export async function run() {
              const errors = [];
              const stream = { getReader() {} };
              try { new Request("https://a.test/", { method: "POST", body: stream }); } catch (e) { errors.push(e.message); }
              try { new Response(stream); } catch (e) { errors.push(e.message); }
              const r = new Request("https://a.test/", { method: "POST", body: "x" });
              try { r.body; } catch (e) { errors.push(e.message); }
              try { await r.formData(); } catch (e) { errors.push(e.message); }
              return [errors, new Request("https://a.test/").body, new Response(null).body];
            }
            """);
        const string Suffix = " is not supported yet by Convex.Sim";
        var value = harness.Value;
        Assert.Equal(
            ["A ReadableStream body" + Suffix, "A ReadableStream body" + Suffix,
                "Reading a body as a ReadableStream (.body)" + Suffix, "FormData (.formData())" + Suffix],
            value[0].EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("[null,null]", $"[{value[1].GetRawText()},{value[2].GetRawText()}]");
    }

    [Fact]
    public async Task Response_covers_binary_bodies_null_body_statuses_and_redirects()
    {
        var harness = await JsHarness.RunAsync("""
            export async function run() {
              const bin = new Response(new Uint8Array([1, 2, 3]).buffer, { status: 299, statusText: "Odd" });
              let nullBody = "";
              try { new Response("x", { status: 204 }); } catch (e) { nullBody = e.message; }
              const redirect = Response.redirect("https://a.test/next", 307);
              return [[...new Uint8Array(await bin.arrayBuffer())], bin.status, bin.statusText, bin.headers.get("content-type"),
                nullBody, redirect.status, redirect.headers.get("location"), await new Response(null).text()];
            }
            """);
        Assert.Equal("""[[1,2,3],299,"Odd",null,"Response with null body status 204 cannot have body",307,"https://a.test/next",""]""",
            harness.Value.GetRawText());
    }
}
