// HTTP routes: push-time analysis lists them, and the site origin (port 3211) serves them.
// Tests: tests/Convex.Sim.Functions.Tests/Execution/HttpActionTests.cs and
// tests/Convex.Sim.Server.Tests/HttpActionTests.cs.
import { httpRouter } from "convex/server";
import { ConvexError } from "convex/values";
import { api } from "./_generated/api";
import { httpAction } from "./_generated/server";

const http = httpRouter();

/** GET /hello: a plain-text greeting. */
http.route({
  path: "/hello",
  method: "GET",
  handler: httpAction(async () => new Response("hello", { status: 200 })),
});

/** POST /echo/*: echoes the body of any path under /echo/. */
http.route({
  pathPrefix: "/echo/",
  method: "POST",
  handler: httpAction(async (_ctx, request) => new Response(await request.text())),
});

/** POST /echo/upper/*: the longer prefix wins over /echo/; echoes the body upper-cased. */
http.route({
  pathPrefix: "/echo/upper/",
  method: "POST",
  handler: httpAction(async (_ctx, request) => new Response((await request.text()).toUpperCase())),
});

/** GET /request: describes the Request the handler got (url, method, headers, signal). */
http.route({
  path: "/request",
  method: "GET",
  handler: httpAction(async (_ctx, request) => {
    const url = new URL(request.url);
    return Response.json({
      url: request.url,
      method: request.method,
      pathname: url.pathname,
      q: url.searchParams.get("q"),
      test: request.headers.get("x-test"),
      isRequest: request instanceof Request,
      bodyUsed: request.bodyUsed,
      body: request.body,
      aborted: request.signal.aborted,
      text: await request.text(),
    });
  }),
});

/** POST /json: parses a JSON body, answers 201 with custom headers and a JSON body. */
http.route({
  path: "/json",
  method: "POST",
  handler: httpAction(async (_ctx, request) => {
    const data = await request.json();
    return Response.json(
      { received: data, contentType: request.headers.get("content-type") },
      { status: 201, statusText: "Made", headers: { "X-Custom": "yes" } },
    );
  }),
});

/** POST /bytes: answers the request body's length and the body reversed, as binary. */
http.route({
  path: "/bytes",
  method: "POST",
  handler: httpAction(async (_ctx, request) => {
    const bytes = new Uint8Array(await request.arrayBuffer());
    return new Response(bytes.slice().reverse(), {
      headers: { "content-type": "application/octet-stream", "x-length": String(bytes.length) },
    });
  }),
});

/** GET /empty: 204 without a body. */
http.route({
  path: "/empty",
  method: "GET",
  handler: httpAction(async () => new Response(null, { status: 204 })),
});

/** POST /messages: inserts a message with runMutation and answers its id. */
http.route({
  path: "/messages",
  method: "POST",
  handler: httpAction(async (ctx, request) => {
    const { author, body, channel } = await request.json();
    const id = await ctx.runMutation(api.messages.send, { author, body, channel });
    const count = await ctx.runQuery(api.messages.count, { channel });
    console.log("inserted", id);
    return Response.json({ id, count });
  }),
});

/** GET /throw: an uncaught Error is a 500 with Convex's JSON error body. */
http.route({
  path: "/throw",
  method: "GET",
  handler: httpAction(async () => {
    throw new Error("boom");
  }),
});

/** GET /convexError: a ConvexError's data is in the 500's body. */
http.route({
  path: "/convexError",
  method: "GET",
  handler: httpAction(async () => {
    throw new ConvexError({ code: "TEAPOT", n: 418 });
  }),
});

/** GET /notResponse: returning something other than a Response is an error. */
http.route({
  path: "/notResponse",
  method: "GET",
  handler: httpAction((async () => "not a response") as any),
});

/** GET /identity: ctx.auth.getUserIdentity(), or the error it threw. */
http.route({
  path: "/identity",
  method: "GET",
  handler: httpAction(async (ctx) => {
    try {
      return Response.json({ identity: await ctx.auth.getUserIdentity() });
    } catch (e: any) {
      return Response.json({ error: e.message }, { status: 401 });
    }
  }),
});

/** GET /unsupported: touching Blob/FormData/stream parts of a body names what is missing. */
http.route({
  path: "/unsupported",
  method: "GET",
  handler: httpAction(async () => {
    const r = new Response("x");
    const errors: string[] = [];
    try { r.body; } catch (e: any) { errors.push(e.message); }
    try { await r.blob(); } catch (e: any) { errors.push(e.message); }
    try { await r.formData(); } catch (e: any) { errors.push(e.message); }
    return Response.json(errors);
  }),
});

/** OPTIONS /hello: apps answer CORS preflights themselves. */
http.route({
  path: "/hello",
  method: "OPTIONS",
  handler: httpAction(async () =>
    new Response(null, { status: 204, headers: { "access-control-allow-origin": "*" } })),
});

export default http;
