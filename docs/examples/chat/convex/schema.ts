import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

// Channels hold messages; each message is indexed by channel (newest first in `list`) and by
// author within a channel.
export default defineSchema({
  channels: defineTable({ name: v.string() }).index("by_name", ["name"]),
  messages: defineTable({
    channel: v.id("channels"),
    author: v.string(),
    body: v.string(),
  })
    .index("by_channel", ["channel"])
    .index("by_channel_author", ["channel", "author"]),
});
