using Acornima.Ast;
using Jint;

namespace Convex.Sim.Functions.WebApis;

/// <summary>
/// The JavaScript half of <c>fetch</c>: the <c>Response</c> class and the normalisation of
/// <c>fetch(input, init)</c> arguments into a plain request, written in JavaScript because they
/// build on <c>Headers</c>, <c>TextEncoder</c> and <c>URLSearchParams</c>. Parsed once per process
/// and evaluated once per engine, on first use of <c>fetch</c> or <c>Response</c>.
/// </summary>
internal static class FetchPrelude
{
    private const string Source = """
        (() => {
          const toBytes = (body) => {
            if (body === null || body === undefined) return null;
            if (typeof body === "string") return new TextEncoder().encode(body);
            if (body instanceof ArrayBuffer) return new Uint8Array(body.slice(0));
            if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
            if (body instanceof URLSearchParams) return new TextEncoder().encode(body.toString());
            return new TextEncoder().encode(String(body));
          };

          class Response {
            #body;
            #used = false;
            constructor(body = null, init = {}) {
              this.#body = toBytes(body) ?? new Uint8Array(0);
              this.status = init.status ?? 200;
              if (!Number.isInteger(this.status) || this.status < 200 || this.status > 599) {
                if (!init.__internal) throw new RangeError(`Response status ${this.status} is outside [200, 599]`);
              }
              this.statusText = init.statusText ?? "";
              this.headers = new Headers(init.headers);
              if (typeof body === "string" && !this.headers.has("content-type")) {
                this.headers.set("content-type", "text/plain;charset=UTF-8");
              }
              this.url = init.url ?? "";
              this.redirected = false;
              this.type = init.__internal ? "basic" : "default";
            }
            get ok() { return this.status >= 200 && this.status <= 299; }
            get bodyUsed() { return this.#used; }
            #take() {
              if (this.#used) throw new TypeError("Body is unusable: Body has already been read");
              this.#used = true;
              return this.#body;
            }
            async arrayBuffer() { const b = this.#take(); return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength); }
            async bytes() { return new Uint8Array(await this.arrayBuffer()); }
            async text() { return new TextDecoder().decode(this.#take()); }
            async json() { return JSON.parse(await this.text()); }
            clone() {
              if (this.#used) throw new TypeError("Response.clone: Body has already been consumed.");
              return new Response(this.#body.slice(), { status: this.status, statusText: this.statusText, headers: this.headers, url: this.url, __internal: true });
            }
            static json(data, init = {}) {
              const headers = new Headers(init.headers);
              if (!headers.has("content-type")) headers.set("content-type", "application/json");
              return new Response(JSON.stringify(data), { ...init, headers });
            }
          }

          const normalize = (input, init = {}) => {
            const url = typeof input === "string" ? input
              : input instanceof URL ? input.href
              : input && typeof input.url === "string" ? input.url
              : String(input);
            const method = String(init.method ?? input?.method ?? "GET").toUpperCase();
            const headers = [...new Headers(init.headers ?? input?.headers)];
            if (init.body instanceof URLSearchParams && !headers.some(([k]) => k === "content-type")) {
              headers.push(["content-type", "application/x-www-form-urlencoded;charset=UTF-8"]);
            }
            if ((method === "GET" || method === "HEAD") && init.body != null) {
              throw new TypeError("Request with GET/HEAD method cannot have body.");
            }
            return { url: new URL(url).href, method, headers, body: toBytes(init.body) };
          };

          const make = (status, statusText, url, headers, body) =>
            new Response(body, { status, statusText, headers, url, __internal: true });

          return { Response, normalize, make };
        })()
        """;

    private static readonly Lazy<Prepared<Script>> Prepared = new(() => Engine.PrepareScript(Source, "convex-sim:fetch"));

    public static Prepared<Script> Script => Prepared.Value;
}
