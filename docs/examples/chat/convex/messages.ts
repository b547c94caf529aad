import { paginationOptsValidator } from "convex/server";
import { ConvexError, v } from "convex/values";
import { mutation, query } from "./_generated/server";

/** Posts a message; empty bodies are refused with a ConvexError the client can inspect. */
export const send = mutation({
  args: { channel: v.id("channels"), author: v.string(), body: v.string() },
  handler: async (ctx, args) => {
    if (args.body.trim() === "") {
      throw new ConvexError({ code: "EmptyMessage", message: "say something" });
    }
    return await ctx.db.insert("messages", args);
  },
});

/** The newest messages of a channel. */
export const list = query({
  args: { channel: v.id("channels"), limit: v.optional(v.number()) },
  handler: async (ctx, { channel, limit }) =>
    await ctx.db
      .query("messages")
      .withIndex("by_channel", (q) => q.eq("channel", channel))
      .order("desc")
      .take(limit ?? 20),
});

/** One page of a channel's messages, oldest first, for infinite scrolling. */
export const page = query({
  args: { channel: v.id("channels"), paginationOpts: paginationOptsValidator },
  handler: async (ctx, { channel, paginationOpts }) =>
    await ctx.db
      .query("messages")
      .withIndex("by_channel", (q) => q.eq("channel", channel))
      .paginate(paginationOpts),
});

/** How many messages an author wrote in a channel (an index range on two fields). */
export const countByAuthor = query({
  args: { channel: v.id("channels"), author: v.string() },
  handler: async (ctx, { channel, author }) =>
    (
      await ctx.db
        .query("messages")
        .withIndex("by_channel_author", (q) => q.eq("channel", channel).eq("author", author))
        .collect()
    ).length,
});
