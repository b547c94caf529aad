// The main corpus module: one small function per feature of the
// database / ctx / value API that a Convex backend must support.
import { paginationOptsValidator } from "convex/server";
import { ConvexError, v } from "convex/values";
import { internalMutation, internalQuery, mutation, query } from "./_generated/server";
import { DEFAULT_TAKE, clamp, sumLikes } from "./lib/helpers";

// ---------------------------------------------------------------- writes

/** Insert a message (args validated by the server). Returns the new id. */
export const send = mutation({
  args: {
    author: v.string(),
    body: v.string(),
    channel: v.string(),
    likes: v.optional(v.number()),
  },
  handler: async (ctx, args) => {
    return await ctx.db.insert("messages", args);
  },
});

/** db.patch: shallow merge of body/likes. */
export const update = mutation({
  args: { id: v.id("messages"), body: v.optional(v.string()), likes: v.optional(v.number()) },
  handler: async (ctx, { id, ...fields }) => {
    await ctx.db.patch(id, fields);
    return await ctx.db.get(id);
  },
});

/** db.patch with an explicit `undefined`: removes the field ({"$undefined":null} on the wire). */
export const clearLikes = mutation({
  args: { id: v.id("messages") },
  handler: async (ctx, { id }) => {
    await ctx.db.patch(id, { likes: undefined });
    return await ctx.db.get(id);
  },
});

/** db.replace: whole-document replacement (system fields kept). */
export const replace = mutation({
  args: { id: v.id("messages"), author: v.string(), body: v.string(), channel: v.string() },
  handler: async (ctx, { id, ...doc }) => {
    await ctx.db.replace(id, doc);
    return await ctx.db.get(id);
  },
});

/** db.delete. Returns whether the doc is gone afterwards. */
export const remove = mutation({
  args: { id: v.id("messages") },
  handler: async (ctx, { id }) => {
    await ctx.db.delete(id);
    return (await ctx.db.get(id)) === null;
  },
});

/** Read-modify-write on a counter stored as an int64 (bigint). */
export const increment = mutation({
  args: { name: v.string(), by: v.optional(v.int64()) },
  handler: async (ctx, { name, by }) => {
    const existing = await ctx.db
      .query("counters")
      .withIndex("by_name", (q) => q.eq("name", name))
      .unique();
    const step = by ?? 1n;
    if (existing === null) {
      await ctx.db.insert("counters", { name, value: step });
      return step;
    }
    const next = BigInt(existing.value) + step;
    await ctx.db.patch(existing._id, { value: next });
    return next;
  },
});

// ---------------------------------------------------------------- reads

/** Point read: db.get -> 1.0/get. Returns the doc or null. */
export const get = query({
  args: { id: v.id("messages") },
  handler: async (ctx, { id }) => {
    return await ctx.db.get(id);
  },
});

/** withIndex(by_channel, eq) + order desc + take(n): IndexRange with a limit operator. */
export const list = query({
  args: { channel: v.string(), n: v.optional(v.number()) },
  handler: async (ctx, { channel, n }) => {
    return await ctx.db
      .query("messages")
      .withIndex("by_channel", (q) => q.eq("channel", channel))
      .order("desc")
      .take(clamp(n ?? DEFAULT_TAKE, 0, 100));
  },
});

/** FullTableScan + collect (order null = ascending _creationTime). */
export const listAll = query({
  args: {},
  handler: async (ctx) => {
    return await ctx.db.query("messages").collect();
  },
});

/** paginate(paginationOpts) -> 1.0/queryPage. */
export const page = query({
  args: { paginationOpts: paginationOptsValidator },
  handler: async (ctx, { paginationOpts }) => {
    return await ctx.db.query("messages").order("asc").paginate(paginationOpts);
  },
});

/** first(): take(1) on an index range; null when the channel is empty. */
export const first = query({
  args: { channel: v.string() },
  handler: async (ctx, { channel }) => {
    return await ctx.db
      .query("messages")
      .withIndex("by_channel", (q) => q.eq("channel", channel))
      .first();
  },
});

/** unique(): null for 0 rows, the doc for 1, throws "unique() query returned more than one result" for 2+. */
export const unique = query({
  args: { author: v.string(), channel: v.string() },
  handler: async (ctx, { author, channel }) => {
    return await ctx.db
      .query("messages")
      .withIndex("by_author_channel", (q) => q.eq("author", author).eq("channel", channel))
      .unique();
  },
});

/**
 * filter operator with $and/$or/$not/$eq/$neq/$gt/$gte and arithmetic
 * ($add/$mul/$sub/$neg on Float64). Messages in channel "a" or "b", not by
 * "bot", that have likes and whose (likes + 1) * 2 - 1 > minScore.
 */
export const filtered = query({
  args: { minScore: v.number() },
  handler: async (ctx, { minScore }) => {
    return await ctx.db
      .query("messages")
      .filter((q) =>
        q.and(
          q.or(q.eq(q.field("channel"), "a"), q.eq(q.field("channel"), "b")),
          q.not(q.eq(q.field("author"), "bot")),
          q.neq(q.field("likes"), undefined),
          q.gt(q.sub(q.mul(q.add(q.field("likes"), 1), 2), 1), minScore),
          q.gte(q.neg(q.field("likes")), -1e9),
        ),
      )
      .collect();
  },
});

/** Index range with an eq prefix and gt/lt bounds on the next field. */
export const byAuthorRange = query({
  args: { author: v.string(), after: v.string(), before: v.string() },
  handler: async (ctx, { author, after, before }) => {
    return await ctx.db
      .query("messages")
      .withIndex("by_author_channel", (q) =>
        q.eq("author", author).gt("channel", after).lt("channel", before),
      )
      .collect();
  },
});

/** Count of a channel (collect + length) and the sum of its likes. */
export const count = query({
  args: { channel: v.string() },
  handler: async (ctx, { channel }) => {
    const docs = await ctx.db
      .query("messages")
      .withIndex("by_channel", (q) => q.eq("channel", channel))
      .collect();
    return { count: docs.length, likes: sumLikes(docs) };
  },
});

/** The library's internal `query(table).count()` -> async syscall 1.0/count. */
export const countTable = query({
  args: {},
  handler: async (ctx) => {
    return await (ctx.db.query("messages") as any).count();
  },
});

/** db.normalizeId -> sync syscall 1.0/db/normalizeId. Returns the id or null. */
export const normalize = query({
  args: { table: v.string(), id: v.string() },
  handler: async (ctx, { table, id }) => {
    return ctx.db.normalizeId(table as any, id);
  },
});

/** Internal query: callable from other functions, not from clients. */
export const internalGet = internalQuery({
  args: { id: v.id("messages") },
  handler: async (ctx, { id }) => {
    return await ctx.db.get(id);
  },
});

/** Internal mutation: target of runMutation / scheduling. */
export const internalSend = internalMutation({
  args: { author: v.string(), body: v.string(), channel: v.string() },
  handler: async (ctx, args) => {
    return await ctx.db.insert("messages", args);
  },
});

// ---------------------------------------------------------------- ctx extras

/** ctx.auth.getUserIdentity -> 1.0/getUserIdentity; null when unauthenticated. */
export const whoami = query({
  args: {},
  handler: async (ctx) => {
    return await ctx.auth.getUserIdentity();
  },
});

/** ctx.meta.getSnapshotTs() (npm >= 1.48) -> sync 1.0/getSnapshotTs; returns an int64. */
export const snapshotTs = query({
  args: {},
  handler: async (ctx) => {
    return (ctx as any).meta.getSnapshotTs();
  },
});

/** ctx.meta.getFunctionMetadata() -> 1.0/getFunctionMetadata. Expected name "messages:functionMetadata". */
export const functionMetadata = query({
  args: {},
  handler: async (ctx) => {
    return await (ctx as any).meta.getFunctionMetadata();
  },
});

// ---------------------------------------------------------------- returns validation

/** Declares `returns:` and honours it. */
export const returnsValidated = query({
  args: {},
  returns: v.object({ ok: v.boolean(), n: v.number() }),
  handler: async () => {
    return { ok: true, n: 1 };
  },
});

/** Declares `returns:` but returns the wrong type: the server must reject the result. */
export const returnsWrongType = query({
  args: {},
  returns: v.object({ ok: v.boolean(), n: v.number() }),
  handler: async () => {
    return { ok: "yes", n: 1n } as any;
  },
});

// ---------------------------------------------------------------- errors

/** ConvexError with structured data (incl. an int64): errorData on the wire. */
export const throwsConvexError = query({
  args: {},
  handler: async () => {
    throw new ConvexError({ code: "NOPE", n: 1n, nested: { list: [1, "two", null] } });
  },
});

/** ConvexError whose data is a plain string. */
export const throwsConvexErrorString = mutation({
  args: {},
  handler: async () => {
    throw new ConvexError("just a message");
  },
});

/** Plain Error: "Uncaught Error: plain failure". */
export const throwsPlain = query({
  args: {},
  handler: async () => {
    throw new Error("plain failure");
  },
});

/** Throwing a non-Error value. */
export const throwsString = query({
  args: {},
  handler: async () => {
    throw "a string";
  },
});

/** Error thrown after a write: the mutation must roll back (no message persisted). */
export const throwsAfterWrite = mutation({
  args: { channel: v.string() },
  handler: async (ctx, { channel }) => {
    await ctx.db.insert("messages", { author: "ghost", body: "rolled back", channel });
    throw new Error("abort after write");
  },
});

// ---------------------------------------------------------------- logging

/** console.* with objects: log lines with levels LOG/INFO/WARN/ERROR/DEBUG. */
export const logs = query({
  args: {},
  handler: async () => {
    console.log("log line", { a: 1, nested: { b: [1, 2, 3] } });
    console.info("info line", 42, true, null);
    console.warn("warn line", ["x", "y"]);
    console.error("error line", new Error("boom"));
    console.debug("debug line", { big: 5n });
    return null;
  },
});

// ---------------------------------------------------------------- values

/** Echo int64 and bytes args; returns derived values of both types. */
export const bigintsAndBytes = query({
  args: { big: v.int64(), bytes: v.bytes() },
  handler: async (_ctx, { big, bytes }) => {
    const view = new Uint8Array(bytes);
    return {
      big,
      next: big + 1n,
      max: 2n ** 63n - 1n,
      min: -(2n ** 63n),
      bytes,
      length: view.length,
      reversed: new Uint8Array([...view].reverse()).buffer,
    };
  },
});

/** Float64 special values: NaN, +-Infinity and -0 travel as {"$float": ...}. */
export const specialFloats = query({
  args: {},
  handler: async () => {
    return { nan: NaN, inf: Infinity, negInf: -Infinity, negZero: -0, plain: 0.1, int: 1 };
  },
});

/** Determinism: Date.now() fixed per execution, Math.random() seeded. */
export const dateAndRandom = query({
  args: {},
  handler: async () => {
    const now1 = Date.now();
    let spin = 0;
    for (let i = 0; i < 100000; i++) spin += i;
    const now2 = Date.now();
    return {
      now1,
      now2,
      sameNow: now1 === now2,
      iso: new Date().toISOString(),
      r1: Math.random(),
      r2: Math.random(),
      spin,
    };
  },
});

/** Web-platform globals the Convex runtime provides. */
export const webApis = query({
  args: {},
  handler: async () => {
    const encoded = new TextEncoder().encode("héllo €");
    const decoded = new TextDecoder().decode(encoded);
    const url = new URL("https://example.com:8080/a/b?x=1&y=two#frag");
    url.searchParams.append("z", "3 4");
    const params = new URLSearchParams("a=1&b=2&a=3");
    const b64 = btoa("hello");
    const unb64 = atob(b64);
    const original = { d: new Date(0), m: new Map([["k", 1]]), arr: [1, 2] };
    const cloned = structuredClone(original);
    const random = new Uint8Array(8);
    crypto.getRandomValues(random);
    const uuid = crypto.randomUUID();
    return {
      encodedLength: encoded.length,
      encodedHex: [...encoded].map((b) => b.toString(16).padStart(2, "0")).join(""),
      decoded,
      href: url.href,
      host: url.host,
      pathname: url.pathname,
      search: url.search,
      hash: url.hash,
      paramsA: params.getAll("a"),
      paramsString: params.toString(),
      b64,
      unb64,
      clonedIsCopy: cloned !== original && cloned.m !== original.m,
      clonedDate: cloned.d.getTime(),
      clonedMap: cloned.m.get("k") ?? null,
      randomLength: random.length,
      uuidLooksValid: /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(uuid),
    };
  },
});
