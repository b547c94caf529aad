// Hostile or broken user code. Every function here must fail cleanly with a
// user-visible error (or be stopped by a limit) without harming the server
// process, other functions, or the database. None of them is meant to be run
// by the Node reference harness.
import { v } from "convex/values";
import { mutation, query } from "./_generated/server";

const rawConvex = () => (globalThis as any).Convex;

// ---------------------------------------------------------------- CPU / stack / memory

/** Tight infinite loop. Expected: killed by the user-time limit (1 s official). */
export const infiniteLoop = query({
  args: {},
  handler: async () => {
    // eslint-disable-next-line no-constant-condition
    while (true) {}
  },
});

/** Infinite loop inside a mutation: killed by the time limit, nothing committed. */
export const infiniteLoopMutation = mutation({
  args: {},
  handler: async (ctx) => {
    await ctx.db.insert("scratch", { note: "must not commit" });
    // eslint-disable-next-line no-constant-condition
    while (true) {}
  },
});

/** Infinite loop made only of microtask turns (no host entry in between). Expected: time limit. */
export const busyAwaitLoop = query({
  args: {},
  handler: async () => {
    let i = 0;
    // eslint-disable-next-line no-constant-condition
    while (true) {
      await Promise.resolve(i++);
    }
  },
});

/** Unbounded recursion. Expected: catchable "RangeError: Maximum call stack size exceeded", process survives. */
export const deepRecursion = query({
  args: {},
  handler: async () => {
    function recurse(n: number): number {
      return recurse(n + 1) + 1;
    }
    return recurse(0);
  },
});

/** Stack exhaustion through a builtin (JSON.stringify of a 200k-deep array), not a JS call. */
export const deepJsonStringify = query({
  args: {},
  handler: async () => {
    let value: any = [];
    for (let i = 0; i < 200_000; i++) value = [value];
    return JSON.stringify(value).length;
  },
});

/** Memory bomb: keeps ~8 MB arrays alive until the heap limit (64 MiB official). */
export const memoryBombArray = query({
  args: {},
  handler: async () => {
    const keep: number[][] = [];
    // eslint-disable-next-line no-constant-condition
    while (true) keep.push(new Array(1 << 20).fill(keep.length));
  },
});

/** Memory bomb: string doubling. Expected: memory limit or "Invalid string length". */
export const memoryBombString = query({
  args: {},
  handler: async () => {
    let s = "x";
    // eslint-disable-next-line no-constant-condition
    while (true) s = s + s;
  },
});

// ---------------------------------------------------------------- bad return values

/** Returns a function. Expected: "... is not a supported Convex type". */
export const returnsFunction = query({
  args: {},
  handler: async () => (() => 1) as any,
});

/** Returns a Symbol. Expected: not a supported Convex type. */
export const returnsSymbol = query({
  args: {},
  handler: async () => Symbol("nope") as any,
});

/** Returns a class instance holding a Map. Expected: not a supported Convex type (non-plain object). */
export const returnsClassInstance = query({
  args: {},
  handler: async () => {
    class Box {
      items = new Map([["a", 1]]);
      label = "box";
    }
    return new Box() as any;
  },
});

/** Returns a Map. Expected: not a supported Convex type. */
export const returnsMap = query({
  args: {},
  handler: async () => new Map([["k", 1]]) as any,
});

/** undefined inside an array. Expected: "undefined is not a valid Convex value (present at path [1])". */
export const returnsUndefinedInArray = query({
  args: {},
  handler: async () => [1, undefined, 2] as any,
});

/** A Query object instead of results. Expected: "Return value is a Query..." from the library. */
export const returnsQuery = query({
  args: {},
  handler: async (ctx) => ctx.db.query("messages") as any,
});

/** Value nested deeper than 64 levels. Expected: the server rejects the result (nesting limit). */
export const returnsTooDeep = query({
  args: { depth: v.optional(v.number()) },
  handler: async (_ctx, { depth }) => {
    let value: any = "leaf";
    for (let i = 0; i < (depth ?? 100); i++) value = { d: value };
    return value;
  },
});

/** Array longer than 8192 elements. Expected: the server rejects the result (array length limit). */
export const returnsTooLongArray = query({
  args: { length: v.optional(v.number()) },
  handler: async (_ctx, { length }) => new Array(length ?? 9000).fill(0),
});

// ---------------------------------------------------------------- promises

/** A rejected promise nobody awaits, while the function returns normally. Expected: the function fails. */
export const unhandledRejection = query({
  args: {},
  handler: async () => {
    Promise.reject(new Error("never awaited"));
    void (async () => {
      throw new Error("async never awaited");
    })();
    return "returned normally";
  },
});

// ---------------------------------------------------------------- forbidden writes

/** db.insert on a query's reader: ctx.db has no insert. Expected: TypeError "... is not a function". */
export const writeInQuery = query({
  args: {},
  handler: async (ctx) => {
    return await (ctx.db as any).insert("messages", { author: "q", body: "q", channel: "q" });
  },
});

/** Bypasses the library: raw 1.0/insert syscall from a query. Expected: the server rejects it. */
export const writeInQueryRaw = query({
  args: {},
  handler: async () => {
    return await rawConvex().asyncSyscall(
      "1.0/insert",
      JSON.stringify({ table: "messages", value: { author: "q", body: "q", channel: "q" } }),
    );
  },
});

/** db.insert into a system table. Expected: "System tables (prefixed with `_`) are read-only." (library check). */
export const insertSystemTable = mutation({
  args: {},
  handler: async (ctx) => {
    return await ctx.db.insert("_foo" as any, { x: 1 } as any);
  },
});

/** Raw 1.0/insert into `_foo`, bypassing the library check. Expected: the server rejects it. */
export const insertSystemTableRaw = mutation({
  args: {},
  handler: async () => {
    return await rawConvex().asyncSyscall("1.0/insert", JSON.stringify({ table: "_foo", value: { x: 1 } }));
  },
});

/** Document over 1 MiB. Expected: "Value is too large" style error, nothing written. */
export const insertOversized = mutation({
  args: { bytes: v.optional(v.number()) },
  handler: async (ctx, { bytes }) => {
    const body = "x".repeat(bytes ?? (1 << 20) + 1024);
    return await ctx.db.insert("messages", { author: "big", body, channel: "big" });
  },
});

/** Document nested deeper than 16 levels (stored-document limit). Table not in the schema. */
export const insertTooDeep = mutation({
  args: { depth: v.optional(v.number()) },
  handler: async (ctx, { depth }) => {
    let value: any = { leaf: true };
    for (let i = 0; i < (depth ?? 20); i++) value = { d: value };
    return await ctx.db.insert("scratch", { nested: value });
  },
});

/** Violates the messages schema (missing `channel`, `likes` is a string). Expected: schema validation error. */
export const schemaViolation = mutation({
  args: {},
  handler: async (ctx) => {
    return await ctx.db.insert("messages", { author: "x", body: "y", likes: "many" } as any);
  },
});

/** A patch that makes a valid document invalid (likes becomes a string), caught by the function. Expected: schema error. */
export const patchToInvalid = mutation({
  args: { id: v.id("messages") },
  handler: async (ctx, { id }) => {
    await ctx.db.patch(id, { likes: "many" } as any);
    return "patched";
  },
});

/** More writes than the per-transaction limit (16000 documents). Expected: limit error, nothing committed. */
export const tooManyWrites = mutation({
  args: { n: v.optional(v.number()) },
  handler: async (ctx, { n }) => {
    const total = n ?? 16001;
    for (let i = 0; i < total; i++) {
      await ctx.db.insert("scratch", { i });
    }
    return total;
  },
});

// ---------------------------------------------------------------- forbidden APIs

/** Indirect eval and new Function. Expected: whatever policy the server picks (official V8: allowed?) — decide and pin. */
export const usesEval = query({
  args: {},
  handler: async () => {
    const indirectEval = (globalThis as any).eval;
    const evalResult = indirectEval("1 + 1");
    const fnResult = new Function("a", "b", "return a * b")(6, 7);
    return { evalResult, fnResult };
  },
});

/** fetch in a query. Expected: "Can't use fetch() in queries and mutations..." developer error. */
export const fetchInQuery = query({
  args: {},
  handler: async () => {
    const res = await fetch("http://127.0.0.1:9/");
    return res.status;
  },
});

/** A timer that really waits, in a mutation. Expected: "Can't use setTimeout in queries and mutations..." or never fires. */
export const setTimeoutInMutation = mutation({
  args: {},
  handler: async () => {
    await new Promise<void>((resolve) => setTimeout(resolve, 50));
    return "timer fired";
  },
});
