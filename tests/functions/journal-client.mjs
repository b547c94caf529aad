// The official ConvexClient subscribed to a paginated query (messages:page, two items per page)
// across a data change and a reconnect. Prints every update as the page's bodies; on "done" from
// stdin prints the current page and exits.
// Usage: CONVEX_URL=http://127.0.0.1:<port> node journal-client.mjs
import { ConvexClient } from "convex/browser";
import { anyApi } from "convex/server";
import readline from "node:readline";

const client = new ConvexClient(process.env.CONVEX_URL);
const timer = setTimeout(() => {
  console.error("timed out");
  process.exit(2);
}, 60_000);

let current = null;
client.onUpdate(
  anyApi.messages.page,
  { paginationOpts: { numItems: 2, cursor: null } },
  (result) => {
    current = result.page.map((m) => m.body).join(",");
    console.log(`update: ${current}`);
  },
  (error) => {
    console.error("query failed:", error.message);
    process.exit(3);
  },
);

const lines = readline.createInterface({ input: process.stdin });
await new Promise((resolve) => lines.once("line", resolve));
console.log(`final: ${current}`);
lines.close();
await client.close();
clearTimeout(timer);
