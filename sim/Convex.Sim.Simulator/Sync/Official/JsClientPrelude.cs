using Acornima.Ast;
using Jint;

namespace Convex.Sim.Simulator.Sync.Official;

/// <summary>
/// The browser environment the official client runs in, written for the simulator (no code of the
/// client is copied here). Evaluated before the bundle, it installs as globals only what the client
/// touches (convex 1.48.0 <c>browser.bundle.js</c>): <c>console</c>, <c>setTimeout</c>/<c>setInterval</c>
/// and their clears, a seeded <c>Math.random</c>, <c>crypto.getRandomValues</c>/<c>randomUUID</c>,
/// <c>TextEncoder</c>/<c>TextDecoder</c>. There is deliberately no <c>window</c>, <c>navigator</c>,
/// <c>performance</c>, <c>URL</c>, <c>fetch</c> or global <c>WebSocket</c>: the client checks them with
/// <c>typeof</c> and falls back (no "online" listener, <c>Date.now</c> as its monotonic clock), the
/// deployment URL check is skipped, and the socket class is passed as <c>webSocketConstructor</c>.
/// The script's value is a function of the C# host object; it returns the helpers the C# side calls.
/// </summary>
internal static class JsClientPrelude
{
    private const string Source = """
        (function (host) {
          "use strict";
          const global = globalThis;
          const log = (level) => (...args) => host.log(level, ...args);
          global.console = { log: log("log"), info: log("info"), warn: log("warn"), error: log("error"),
            debug: log("debug") };
          global.setTimeout = (callback, delay, ...args) => host.setTimer(callback, delay, args, false);
          global.setInterval = (callback, delay, ...args) => host.setTimer(callback, delay, args, true);
          global.clearTimeout = (id) => host.clearTimer(id);
          global.clearInterval = (id) => host.clearTimer(id);
          Math.random = () => host.random();
          global.crypto = {
            getRandomValues(array) {
              const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
              for (let i = 0; i < bytes.length; i++) bytes[i] = host.randomByte();
              return array;
            },
            randomUUID() {
              const b = global.crypto.getRandomValues(new Uint8Array(16));
              b[6] = (b[6] & 0x0f) | 0x40;
              b[8] = (b[8] & 0x3f) | 0x80;
              const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
              return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
            },
          };
          global.TextEncoder = class TextEncoder {
            get encoding() { return "utf-8"; }
            encode(input = "") { return new Uint8Array(host.utf8Encode(String(input))); }
          };
          global.TextDecoder = class TextDecoder {
            get encoding() { return "utf-8"; }
            decode(input) {
              if (input === undefined) return "";
              const view = ArrayBuffer.isView(input)
                ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength) : new Uint8Array(input);
              return host.utf8Decode(Array.from(view));
            }
          };

          // The simulated socket: the C# host opens a connection on the simulated network and fires
          // onopen / onmessage({data}) / onerror / onclose({code, reason, wasClean}) on this object.
          class WebSocket {
            constructor(url) {
              this.url = String(url);
              this.readyState = WebSocket.CONNECTING;
              this.protocol = "";
              this.extensions = "";
              this.bufferedAmount = 0;
              this.binaryType = "blob";
              this.onopen = null;
              this.onmessage = null;
              this.onerror = null;
              this.onclose = null;
              Object.defineProperty(this, "simSocketId", { value: host.open(this, this.url) });
            }
            send(data) { host.send(this.simSocketId, String(data)); }
            close(code, reason) {
              host.close(this.simSocketId, code === undefined ? null : code, String(reason ?? ""));
            }
          }
          [["CONNECTING", 0], ["OPEN", 1], ["CLOSING", 2], ["CLOSED", 3]].forEach(([name, value]) => {
            WebSocket[name] = value;
            WebSocket.prototype[name] = value;
          });

          const message = (error) => String(error instanceof Error ? error.message : error);
          return {
            createClient(address) {
              return new convex.BaseConvexClient(address, () => {}, {
                webSocketConstructor: WebSocket,
                unsavedChangesWarning: false,
                skipConvexDeploymentUrlCheck: true,
              });
            },
            subscribe(client, path, key) { return client.subscribe(path, { key }).unsubscribe; },
            request(client, kind, path, key, element, onResolved, onRejected) {
              const args = { key, element: BigInt(element) };
              const promise = kind === "action" ? client.action(path, args) : client.mutation(path, args);
              promise.then(() => onResolved(), (error) => onRejected(message(error)));
            },
            // What the client holds for a query: undefined (no result), {items} (the elements as
            // strings), {error} (the query failed; localQueryResult throws) or {unexpected}.
            held(client, path, key) {
              let value;
              try {
                value = client.localQueryResult(path, { key });
              } catch (error) {
                return { error: message(error) };
              }
              if (value === undefined) return undefined;
              if (!Array.isArray(value) || !value.every((v) => typeof v === "bigint")) {
                return { unexpected: String(value) };
              }
              return { items: value.map((v) => v.toString()) };
            },
          };
        })
        """;

    private static readonly Lazy<Prepared<Script>> PreparedScript =
        new(() => Engine.PrepareScript(Source, "convex-sim:official-client-prelude"));

    public static Prepared<Script> Script => PreparedScript.Value;
}
