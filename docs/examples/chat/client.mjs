// Drives the deployed app over the HTTP API with the official client.
// Usage: CONVEX_URL=http://127.0.0.1:3210 node client.mjs
import { ConvexHttpClient } from "convex/browser";
import { anyApi } from "convex/server";
import { ConvexError } from "convex/values";

const api = anyApi;
const client = new ConvexHttpClient(process.env.CONVEX_URL ?? "http://127.0.0.1:3210");

const channel = await client.mutation(api.channels.ensure, { name: "general" });
await client.mutation(api.messages.send, { channel, author: "ada", body: "hello" });
await client.mutation(api.messages.send, { channel, author: "grace", body: "hi ada" });
console.log("newest first:", (await client.query(api.messages.list, { channel })).map((m) => m.body));

let cursor = null;
for (let n = 1; ; n++) {
  const page = await client.query(api.messages.page, { channel, paginationOpts: { numItems: 1, cursor } });
  console.log(`page ${n}:`, page.page.map((m) => m.body));
  if (page.isDone) break;
  cursor = page.continueCursor;
}

console.log("bot:", await client.action(api.bot.summarize, { channel }));
console.log("ada wrote", await client.query(api.messages.countByAuthor, { channel, author: "ada" }));

try {
  await client.mutation(api.messages.send, { channel, author: "ada", body: "  " });
} catch (e) {
  console.log("refused:", e instanceof ConvexError ? e.data.code : e.message);
}
