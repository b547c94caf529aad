using Convex.Sim.Functions.Hosting;
using Convex.Sim.Runtime.Network;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;

namespace Convex.Sim.Functions.WebApis;

/// <summary>
/// <c>fetch</c> and <c>Response</c>. In actions a request goes out through the runtime's network
/// seam (<see cref="IHttpFetcher"/>) as host work of the event loop, and resolves to a
/// <c>Response</c> holding the whole body. Like the real <c>fetch</c> it never throws
/// synchronously: bad arguments and failures reject the promise. In queries and mutations it
/// rejects with Convex's own "Can't use fetch() in queries and mutations" error.
/// </summary>
internal sealed class FetchApi(WebApiContext context)
{
    public const string QueryMessage = "Can't use fetch() in queries and mutations. Please consider using an action.";

    private ObjectInstance? _prelude;

    private ObjectInstance Prelude => _prelude ??= context.Engine.Evaluate(FetchPrelude.Script).AsObject();

    public JsValue Response => Prelude.Get("Response");

    public JsValue Request => Prelude.Get("Request");

    /// <summary>The prelude's helpers (<c>requestFrom</c>, <c>describe</c>) for <see cref="HttpActionBridge"/>.</summary>
    internal ObjectInstance Helpers => Prelude;

    public JsValue CreateFetch() => context.Function("fetch", 1, (_, args) =>
    {
        if (!context.Worker.Host.AllowsTimers)
        {
            return context.Rejected(context.Worker.MakeError(QueryMessage));
        }

        HttpFetchRequest request;
        try
        {
            request = Normalize(args.Length > 0 ? args[0] : JsValue.Undefined, args.Length > 1 ? args[1] : JsValue.Undefined);
        }
        catch (JavaScriptException e)
        {
            return context.Rejected(e.Error);
        }

        return context.Worker.Enqueue(promise => new PendingFetch(promise, request, ToJs));
    });

    private HttpFetchRequest Normalize(JsValue input, JsValue init)
    {
        var normalize = Prelude.Get("normalize");
        var plain = context.Engine.Invoke(normalize, JsValue.Undefined, init.IsUndefined() ? [input] : [input, init]).AsObject();
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var pair in plain.Get("headers").AsArray())
        {
            var entry = pair.AsArray();
            headers.Add(new(entry[0].ToString(), entry[1].ToString()));
        }

        var body = plain.Get("body");
        byte[]? bytes = null;
        if (!body.IsNull() && BufferSources.TryGetBytes(context, body, out var segment))
        {
            bytes = segment.ToArray();
        }

        return new HttpFetchRequest(plain.Get("method").ToString(), plain.Get("url").ToString(), headers, bytes);
    }

    private JsValue ToJs(HttpFetchResponse response)
    {
        var headers = new JsArray(context.Engine, [.. response.Headers.Select(h =>
            (JsValue)new JsArray(context.Engine, [new JsString(h.Key), new JsString(h.Value)]))]);
        var body = context.Engine.Intrinsics.Uint8Array.Construct(response.Body);
        return context.Engine.Invoke(Prelude.Get("make"), JsValue.Undefined,
            [JsNumber.Create(response.Status), new JsString(response.StatusText), new JsString(response.Url), headers, body]);
    }
}
