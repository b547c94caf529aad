using Convex.Sim.Functions.Hosting;
using Jint.Native;
using Jint.Runtime.Descriptors;

namespace Convex.Sim.Functions.WebApis;

/// <summary>
/// Installs the web-platform globals that user code and npm packages expect (convex-compat §5.7).
/// Everything but <c>console</c> is a lazy global: the name exists at once (so <c>typeof</c> and
/// <c>in</c> work) but its functions and classes are built the first time a script reads it,
/// so an engine pays only for what its functions touch. Interfaces that share state (<c>URL</c>
/// and <c>URLSearchParams</c>, <c>AbortController</c> and <c>AbortSignal</c>) are built together.
///
/// Not provided yet: <c>Blob</c>, <c>File</c>, <c>FormData</c>,
/// <c>ReadableStream</c> and the other streams, <c>Event</c>/<c>EventTarget</c>,
/// <c>AsyncLocalStorage</c>, <c>TextEncoderStream</c>/<c>TextDecoderStream</c>.
/// </summary>
internal static class WebApiInstaller
{
    // Like the globals Web IDL defines: writable and configurable, not enumerable.
    private const PropertyFlag GlobalFlags = PropertyFlag.Writable | PropertyFlag.Configurable;

    public static void Install(JsWorker worker)
    {
        ConsoleApi.Install(worker);
        var context = new WebApiContext(worker);
        void Lazy(string name, Func<JsValue> create) =>
            worker.Engine.Advanced.AddLazyGlobal(name, _ => create(), GlobalFlags);

        UrlApi? url = null;
        Lazy("URL", () => (url ??= new UrlApi(context)).Url);
        Lazy("URLSearchParams", () => (url ??= new UrlApi(context)).SearchParams);
        Lazy("TextEncoder", () => TextEncodingApi.CreateEncoder(context));
        Lazy("TextDecoder", () => TextEncodingApi.CreateDecoder(context));
        Lazy("atob", () => Base64Api.CreateAtob(context));
        Lazy("btoa", () => Base64Api.CreateBtoa(context));
        Lazy("DOMException", () => context.DomException);
        Lazy("structuredClone", () => StructuredCloneApi.Create(context));
        Lazy("crypto", () => CryptoApi.Create(context));
        Lazy("performance", () => GlobalsApi.CreatePerformance(context));
        Lazy("queueMicrotask", () => GlobalsApi.CreateQueueMicrotask(context));
        Lazy("process", () => GlobalsApi.CreateProcess(context));
        Lazy("self", () => worker.Engine.Global);

        TimersApi? timers = null;
        Lazy("setTimeout", () => (timers ??= new TimersApi(context)).CreateSetTimeout());
        Lazy("setInterval", () => (timers ??= new TimersApi(context)).CreateSetInterval());
        Lazy("clearTimeout", () => (timers ??= new TimersApi(context)).CreateClearTimeout());
        Lazy("clearInterval", () => (timers ??= new TimersApi(context)).CreateClearInterval());

        // Built eagerly (its prelude is still evaluated on first use): HTTP actions reach it through the bridge.
        var fetch = new FetchApi(context);
        HttpActionBridge.Register(context, fetch);
        Lazy("fetch", fetch.CreateFetch);
        Lazy("Response", () => fetch.Response);
        Lazy("Request", () => fetch.Request);
        Lazy("Headers", () => HeadersApi.Create(context));
        AbortApi? abort = null;
        Lazy("AbortController", () => (abort ??= new AbortApi(context)).Controller);
        Lazy("AbortSignal", () => (abort ??= new AbortApi(context)).Signal);
    }
}
