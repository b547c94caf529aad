import { v } from "convex/values";
import { api } from "./_generated/api";
import { action } from "./_generated/server";

/**
 * An action: reads through a query, then posts a summary through a mutation. Actions run outside
 * transactions; each runQuery/runMutation is its own transaction.
 */
export const summarize = action({
  args: { channel: v.id("channels") },
  handler: async (ctx, { channel }) => {
    const recent = await ctx.runQuery(api.messages.list, { channel, limit: 100 });
    const authors = [...new Set(recent.map((m) => m.author))].sort();
    const body = `${recent.length} recent messages by ${authors.join(", ") || "nobody"}`;
    await ctx.runMutation(api.messages.send, { channel, author: "bot", body });
    return body;
  },
});
