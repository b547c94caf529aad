// HTTP routes. Push-time analysis must list them; running HTTP actions comes with the server.
import { httpRouter } from "convex/server";
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

export default http;
