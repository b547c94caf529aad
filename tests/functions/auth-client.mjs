// The official ConvexClient's setAuth against a Convex.Sim server (convex-compat §3.9): with the
// token in GOOD_TOKEN, messages:whoami must answer the user's identity; with MALFORMED_TOKEN and
// FOREIGN_TOKEN (an issuer the deployment does not trust) the client must be told it is not
// authenticated, and the server must go on answering (anonymously).
// Usage: CONVEX_URL=... GOOD_TOKEN=... MALFORMED_TOKEN=... FOREIGN_TOKEN=... node auth-client.mjs
import { ConvexClient } from "convex/browser";
import { anyApi } from "convex/server";

const timer = setTimeout(() => {
  console.error("timed out");
  process.exit(2);
}, 45_000);

/** Signs in with `token` and resolves with the first whoami result after the auth outcome is known. */
async function whoamiWith(token) {
  const client = new ConvexClient(process.env.CONVEX_URL);
  let authenticated;
  const authKnown = new Promise((resolve) => {
    client.setAuth(
      async () => token,
      (isAuthenticated) => {
        authenticated = isAuthenticated;
        resolve();
      },
    );
  });
  await authKnown;
  const identity = await new Promise((resolve, reject) => {
    const unsubscribe = client.onUpdate(
      anyApi.messages.whoami,
      {},
      (value) => {
        // Before the token is confirmed the query may answer anonymously; wait for the user's answer.
        if (!authenticated || value !== null) {
          unsubscribe();
          resolve(value);
        }
      },
      (error) => reject(error),
    );
  });
  await client.close();
  return { authenticated, identity };
}

const good = await whoamiWith(process.env.GOOD_TOKEN);
console.log(`good: authenticated=${good.authenticated} identity=${JSON.stringify(good.identity)}`);
const malformed = await whoamiWith(process.env.MALFORMED_TOKEN);
console.log(`malformed: authenticated=${malformed.authenticated} identity=${JSON.stringify(malformed.identity)}`);
const foreign = await whoamiWith(process.env.FOREIGN_TOKEN);
console.log(`foreign: authenticated=${foreign.authenticated} identity=${JSON.stringify(foreign.identity)}`);
clearTimeout(timer);
