// Reads lines "<convex json a>\t<convex json b>" on stdin and prints, per line, the sign of the
// official compareValues(a, b) and the official re-encoding of a (convexToJson(jsonToConvex(a))).
// Used by Convex.Sim.Core.Tests to check the C# order and codec against the official package.
import { compareValues, convexToJson, jsonToConvex } from "convex/values";
import { createInterface } from "node:readline";

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line) continue;
  const [a, b] = line.split("\t").map((s) => jsonToConvex(JSON.parse(s)));
  const sign = Math.sign(compareValues(a, b));
  process.stdout.write(`${sign}\t${JSON.stringify(convexToJson(a))}\n`);
}
