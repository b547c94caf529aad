// The official ConvexClient across a dropped connection: subscribes to messages:list, and when the
// test says "mutate" on stdin, runs messages:send. The test makes the response get lost and cuts
// the connection; the client reconnects and re-sends the unresolved mutation with its request id.
// Prints each update, the mutation's result and when it resolved.
// Usage: CONVEX_URL=http://127.0.0.1:<proxy port> node reconnect-client.mjs <channel>
import { ConvexClient } from "convex/browser";
import { anyApi } from "convex/server";
import readline from "node:readline";

const channel = process.argv[2] ?? "reconnect";
const client = new ConvexClient(process.env.CONVEX_URL);
const timer = setTimeout(() => {
  console.error("timed out");
  process.exit(2);
}, 60_000);

const updates = [];
let wake = () => {};
client.onUpdate(
  anyApi.messages.list,
  { channel },
  (messages) => {
    updates.push(messages.map((m) => m._id));
    wake();
  },
  (error) => {
    console.error("query failed:", error.message);
    process.exit(3);
  },
);
const until = (predicate) =>
  new Promise((resolve) => {
    wake = () => predicate() && resolve();
    wake();
  });

await until(() => updates.length >= 1);
console.log("subscribed");
const lines = readline.createInterface({ input: process.stdin });
await new Promise((resolve) => lines.once("line", resolve));
const pending = client.mutation(anyApi.messages.send, { author: "node", body: "exactly once", channel });
console.log("sent");
const id = await pending;
await until(() => updates.at(-1).length >= 1);
console.log(`resolved with an id: ${typeof id === "string"}`);
console.log(`last update: ${JSON.stringify(updates.at(-1))}`);
console.log(`id in the list: ${updates.at(-1).includes(id)}`);
lines.close();
await client.close();
clearTimeout(timer);
