// Imports a helper shared with messages.ts, so the helper lands in a shared
// chunk under `_deps/` rather than being duplicated in both entry modules.
import { v } from "convex/values";
import { query } from "./_generated/server";
import { DEFAULT_TAKE, formatMessage, sumLikes } from "./lib/helpers";

/** Formats the latest messages of a channel with the shared helper. */
export const formatted = query({
  args: { channel: v.string() },
  handler: async (ctx, { channel }) => {
    const docs = await ctx.db
      .query("messages")
      .withIndex("by_channel", (q) => q.eq("channel", channel))
      .order("desc")
      .take(DEFAULT_TAKE);
    return { lines: docs.map(formatMessage), likes: sumLikes(docs) };
  },
});
