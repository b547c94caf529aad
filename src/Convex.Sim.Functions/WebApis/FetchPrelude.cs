using Acornima.Ast;
using Jint;

namespace Convex.Sim.Functions.WebApis;

/// <summary>
/// The JavaScript half of <c>fetch</c> and of HTTP actions: the body mixin shared by
/// <c>Request</c> and <c>Response</c> (WHATWG Fetch §6.3), both classes, the normalisation of
/// <c>fetch(input, init)</c> arguments into a plain request, and the two helpers the host uses to
/// hand an HTTP action its <c>Request</c> and to read the <c>Response</c> it returns. Written in
/// JavaScript because they build on <c>Headers</c>, <c>TextEncoder</c>, <c>URL</c> and
/// <c>AbortController</c>. Parsed once per process and evaluated once per engine, on first use.
///
/// Bodies are held whole, as bytes (<c>null</c> for no body). Streams, <c>Blob</c> and
/// <c>FormData</c> bodies are refused with a "not supported yet by Convex.Sim" TypeError, as are
/// <c>.body</c> (a <c>ReadableStream</c>), <c>.blob()</c> and <c>.formData()</c> on a non-empty body.
/// </summary>
internal static class FetchPrelude
{
    private const string Source = """
        (() => {
          const unsupported = (what) => new TypeError(`${what} is not supported yet by Convex.Sim`);
          const tagOf = (value) => Object.prototype.toString.call(value);
          const toBytes = (body) => {
            if (body === null || body === undefined) return null;
            if (typeof body === "string") return new TextEncoder().encode(body);
            if (body instanceof ArrayBuffer) return new Uint8Array(body.slice(0));
            if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
            if (body instanceof URLSearchParams) return new TextEncoder().encode(body.toString());
            const tag = tagOf(body);
            if (tag === "[object Blob]" || tag === "[object File]") throw unsupported("A Blob body");
            if (tag === "[object FormData]") throw unsupported("A FormData body");
            if (tag === "[object ReadableStream]" || typeof body.getReader === "function") throw unsupported("A ReadableStream body");
            if (typeof body[Symbol.asyncIterator] === "function") throw unsupported("An async iterable body");
            return new TextEncoder().encode(String(body));
          };
          const defaultContentType = (body) =>
            typeof body === "string" ? "text/plain;charset=UTF-8"
            : body instanceof URLSearchParams ? "application/x-www-form-urlencoded;charset=UTF-8"
            : null;

          let bytesOf;
          class Body {
            #bytes;
            #used = false;
            constructor(bytes) { this.#bytes = bytes; }
            get body() {
              if (this.#bytes === null) return null;
              throw unsupported("Reading a body as a ReadableStream (.body)");
            }
            get bodyUsed() { return this.#used; }
            #take() {
              if (this.#used) throw new TypeError("Body is unusable: Body has already been read");
              if (this.#bytes === null) return new Uint8Array(0);
              this.#used = true;
              return this.#bytes;
            }
            async arrayBuffer() { const b = this.#take(); return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength); }
            async bytes() { return new Uint8Array(await this.arrayBuffer()); }
            async text() { return new TextDecoder().decode(this.#take()); }
            async json() { return JSON.parse(await this.text()); }
            async blob() { throw unsupported("Blob (.blob())"); }
            async formData() { throw unsupported("FormData (.formData())"); }
            static { bytesOf = (holder) => holder.#bytes; }
          }

          const nullBodyStatus = (status) => status === 101 || status === 103 || status === 204 || status === 205 || status === 304;

          class Response extends Body {
            constructor(body = null, init = {}) {
              init = init ?? {};
              const status = init.status ?? 200;
              if (!init.__internal && (!Number.isInteger(status) || status < 200 || status > 599)) {
                throw new RangeError(`Response status ${status} is outside [200, 599]`);
              }
              if (body !== null && body !== undefined && nullBodyStatus(status)) {
                throw new TypeError(`Response with null body status ${status} cannot have body`);
              }
              super(toBytes(body));
              this.status = status;
              this.statusText = String(init.statusText ?? "");
              this.headers = new Headers(init.headers);
              const contentType = defaultContentType(body);
              if (contentType !== null && !this.headers.has("content-type")) this.headers.set("content-type", contentType);
              this.url = init.url ?? "";
              this.redirected = false;
              this.type = init.__internal ? "basic" : "default";
            }
            get ok() { return this.status >= 200 && this.status <= 299; }
            clone() {
              if (this.bodyUsed) throw new TypeError("Response.clone: Body has already been consumed.");
              const bytes = bytesOf(this);
              return new Response(bytes === null ? null : bytes.slice(),
                { status: this.status, statusText: this.statusText, headers: this.headers, url: this.url, __internal: true });
            }
            static json(data, init = {}) {
              const text = JSON.stringify(data);
              if (text === undefined) throw new TypeError("Response.json: the data is not JSON serializable");
              const headers = new Headers(init?.headers);
              if (!headers.has("content-type")) headers.set("content-type", "application/json");
              return new Response(text, { ...init, headers });
            }
            static error() {
              const response = new Response(null, { status: 0, __internal: true });
              response.type = "error";
              return response;
            }
            static redirect(url, status = 302) {
              if (![301, 302, 303, 307, 308].includes(status)) throw new RangeError(`Invalid redirect status ${status}`);
              const response = new Response(null, { status, __internal: true });
              response.headers.set("location", new URL(String(url)).href);
              return response;
            }
          }

          const upperCased = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];
          const forbidden = ["CONNECT", "TRACE", "TRACK"];
          const methodToken = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
          const normalizeMethod = (method) => {
            if (!methodToken.test(method)) throw new TypeError(`'${method}' is not a valid HTTP method.`);
            const upper = method.toUpperCase();
            if (forbidden.includes(upper)) throw new TypeError(`'${method}' HTTP method is unsupported.`);
            return upperCased.includes(upper) ? upper : method;
          };

          class Request extends Body {
            #url; #method; #headers; #signal; #redirect;
            constructor(input, init = {}) {
              init = init ?? {};
              const base = input instanceof Request ? input : null;
              const url = base !== null ? base.url : new URL(input instanceof URL ? input.href : String(input)).href;
              const method = normalizeMethod(init.method !== undefined ? String(init.method) : base?.method ?? "GET");
              const ownBody = init.body !== undefined && init.body !== null;
              let bytes = null;
              if (ownBody) {
                bytes = toBytes(init.body);
              } else if (base !== null && init.body === undefined) {
                if (base.bodyUsed) throw new TypeError("Cannot construct a Request with a Request object that has already been used.");
                const inherited = bytesOf(base);
                bytes = inherited === null ? null : inherited.slice();
              }
              if (bytes !== null && (method === "GET" || method === "HEAD")) {
                throw new TypeError("Request with GET/HEAD method cannot have body.");
              }
              super(bytes);
              this.#url = url;
              this.#method = method;
              this.#headers = new Headers(init.headers ?? base?.headers);
              const contentType = ownBody ? defaultContentType(init.body) : null;
              if (contentType !== null && !this.#headers.has("content-type")) this.#headers.set("content-type", contentType);
              this.#signal = init.signal ?? base?.signal ?? new AbortController().signal;
              this.#redirect = init.redirect ?? base?.redirect ?? "follow";
            }
            get url() { return this.#url; }
            get method() { return this.#method; }
            get headers() { return this.#headers; }
            get signal() { return this.#signal; }
            get redirect() { return this.#redirect; }
            get credentials() { return "same-origin"; }
            get mode() { return "cors"; }
            get cache() { return "default"; }
            get referrer() { return "about:client"; }
            get referrerPolicy() { return ""; }
            get integrity() { return ""; }
            get keepalive() { return false; }
            get destination() { return ""; }
            get duplex() { return "half"; }
            clone() {
              if (this.bodyUsed) throw new TypeError("Request.clone: Body has already been consumed.");
              return new Request(this);
            }
          }
          Object.defineProperty(Request.prototype, Symbol.toStringTag, { value: "Request", configurable: true });
          Object.defineProperty(Response.prototype, Symbol.toStringTag, { value: "Response", configurable: true });

          const normalize = (input, init) => {
            if (input !== null && typeof input === "object" && !(input instanceof Request) && !(input instanceof URL)
                && typeof input.url === "string") {
              init = { method: input.method, headers: input.headers, ...(init ?? {}) };
              input = input.url;
            }
            const request = new Request(input, init);
            return { url: request.url, method: request.method, headers: [...request.headers], body: bytesOf(request) };
          };

          const make = (status, statusText, url, headers, body) =>
            new Response(nullBodyStatus(status) ? null : body, { status, statusText, headers, url, __internal: true });

          // HTTP actions: the request handed to the router, and what the host reads back.
          const requestFrom = (url, method, headers, body) => new Request(url, { method, headers, body });
          const describe = (response) => {
            if (!(response instanceof Response)) throw new TypeError("HTTP actions must return a Response");
            if (response.bodyUsed) throw new TypeError("The Response returned by an HTTP action has a body that was already read");
            return [response.status, response.statusText, [...response.headers], bytesOf(response)];
          };

          return { Response, Request, normalize, make, requestFrom, describe };
        })()
        """;

    private static readonly Lazy<Prepared<Script>> Prepared = new(() => Engine.PrepareScript(Source, "convex-sim:fetch"));

    public static Prepared<Script> Script => Prepared.Value;
}
