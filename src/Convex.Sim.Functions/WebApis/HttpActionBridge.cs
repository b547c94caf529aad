using System.Runtime.CompilerServices;
using Convex.Sim.Core;
using Jint;
using Jint.Native;
using Jint.Runtime;

namespace Convex.Sim.Functions.WebApis;

/// <summary>A response as an HTTP action returned it: status, header pairs (lowercase names), whole body.</summary>
internal sealed record HttpResponseParts(
    int Status, string StatusText, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body);

/// <summary>
/// How the host of an HTTP action reaches the <c>Request</c> and <c>Response</c> classes of the
/// engine it runs in (the jsSyscalls <c>requestFromConvexJson</c> and <c>convexJsonFromResponse</c>,
/// convex-compat §5.3): it builds the <c>Request</c> handed to the router and reads the returned
/// <c>Response</c> back, body included, through the fetch prelude's own helpers, so that
/// <c>instanceof Response</c> and the hidden body are those user code sees.
/// </summary>
internal sealed class HttpActionBridge
{
    // One bridge per engine, attached to it like a property the engine does not expose; a table
    // keyed by the engine (not ambient state: nothing but the engine's own worker looks it up).
    private static readonly ConditionalWeakTable<Engine, HttpActionBridge> Bridges = new();

    private readonly WebApiContext _context;
    private readonly FetchApi _fetch;

    private HttpActionBridge(WebApiContext context, FetchApi fetch)
    {
        _context = context;
        _fetch = fetch;
    }

    public static void Register(WebApiContext context, FetchApi fetch) =>
        Bridges.AddOrUpdate(context.Engine, new HttpActionBridge(context, fetch));

    public static HttpActionBridge Of(Engine engine)
    {
        var found = Bridges.TryGetValue(engine, out var bridge);
        Invariant.Assert(found, "every worker's web APIs register a bridge");
        return bridge!;
    }

    /// <summary>A WHATWG <c>Request</c>; <paramref name="body"/> null means no body (GET, HEAD, OPTIONS).</summary>
    public JsValue CreateRequest(
        string url, string method, IReadOnlyList<KeyValuePair<string, string>> headers, byte[]? body)
    {
        var engine = _context.Engine;
        var pairs = new JsArray(engine, [.. headers.Select(h =>
            (JsValue)new JsArray(engine, [new JsString(h.Key), new JsString(h.Value)]))]);
        JsValue bytes = body is null ? JsValue.Null : engine.Intrinsics.Uint8Array.Construct(body);
        return engine.Invoke(_fetch.Helpers.Get("requestFrom"), JsValue.Undefined,
            [new JsString(url), new JsString(method), pairs, bytes]);
    }

    /// <summary>Reads a returned <c>Response</c>; for anything else, TypeError "HTTP actions must return a Response".
    /// </summary>
    public HttpResponseParts ReadResponse(JsValue response)
    {
        var engine = _context.Engine;
        var described = engine.Invoke(_fetch.Helpers.Get("describe"), JsValue.Undefined, [response]).AsArray();
        Invariant.Assert(described.Length == 4);
        var status = TypeConverter.ToNumber(described[0]);
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var pair in described[2].AsArray())
        {
            var entry = pair.AsArray();
            headers.Add(new(entry[0].ToString(), entry[1].ToString()));
        }

        byte[] body = [];
        if (!described[3].IsNull())
        {
            var isBytes = BufferSources.TryGetBytes(_context, described[3], out var segment);
            Invariant.Assert(isBytes, "a body is held as a Uint8Array");
            body = segment.ToArray();
        }

        return new HttpResponseParts((int)status, described[1].ToString(), headers, body);
    }
}
