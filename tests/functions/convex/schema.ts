import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

export default defineSchema(
  {
    messages: defineTable({
      author: v.string(),
      body: v.string(),
      channel: v.string(),
      likes: v.optional(v.number()),
    })
      .index("by_channel", ["channel"])
      .index("by_author_channel", ["author", "channel"]),

    counters: defineTable({
      name: v.string(),
      value: v.union(v.int64(), v.number()),
    }).index("by_name", ["name"]),

    // One field per validator kind, so schema export and write-time
    // validation see every validator JSON shape.
    typed: defineTable({
      ref: v.id("messages"),
      blob: v.bytes(),
      big: v.int64(),
      num: v.float64(),
      flag: v.boolean(),
      nothing: v.null(),
      text: v.string(),
      anything: v.any(),
      kind: v.literal("typed"),
      litNum: v.literal(3),
      litBig: v.literal(7n),
      litBool: v.literal(false),
      choice: v.union(v.literal("a"), v.literal("b"), v.number()),
      list: v.array(v.union(v.string(), v.int64())),
      scores: v.record(v.string(), v.float64()),
      refsByMessage: v.record(v.id("messages"), v.boolean()),
      maybe: v.optional(v.string()),
      nullable: v.nullable(v.number()),
      nested: v.object({
        inner: v.object({ depth: v.number(), tags: v.array(v.string()) }),
        optionalInner: v.optional(v.object({ note: v.string() })),
      }),
    }).index("by_big", ["big"]),
  },
  { schemaValidation: true },
);
