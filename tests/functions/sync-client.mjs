// The official ConvexClient (WebSocket sync protocol; the Node build brings its own `ws`) against
// a Convex.Sim server: subscribe to messages:list, run messages:send, print each update.
// Usage: CONVEX_URL=http://127.0.0.1:3210 node sync-client.mjs <channel>
import { ConvexClient } from "convex/browser";
import { anyApi } from "convex/server";

const channel = process.argv[2] ?? "node-sync";
const client = new ConvexClient(process.env.CONVEX_URL);
const timer = setTimeout(() => {
  console.error("timed out");
  process.exit(2);
}, 30_000);

const updates = [];
let wake = () => {};
const unsubscribe = client.onUpdate(
  anyApi.messages.list,
  { channel },
  (messages) => {
    updates.push(messages.map((m) => m.body));
    wake();
  },
  (error) => {
    console.error("query failed:", error.message);
    process.exit(3);
  },
);
const until = (n) =>
  new Promise((resolve) => {
    wake = () => updates.length >= n && resolve();
    wake();
  });

await until(1);
const id = await client.mutation(anyApi.messages.send, { author: "node", body: "hi from node", channel });
// The mutation resolves only once a transition includes it (read-your-writes).
await until(2);
for (const [i, bodies] of updates.entries()) {
  console.log(`update ${i + 1}: ${JSON.stringify(bodies)}`);
}
console.log(`mutation returned an id: ${typeof id === "string" && id.length > 0}`);
unsubscribe();
await client.close();
clearTimeout(timer);
