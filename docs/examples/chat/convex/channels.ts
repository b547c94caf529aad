import { v } from "convex/values";
import { mutation, query } from "./_generated/server";

/** The channel with this name, created on first use. */
export const ensure = mutation({
  args: { name: v.string() },
  returns: v.id("channels"),
  handler: async (ctx, { name }) => {
    const existing = await ctx.db
      .query("channels")
      .withIndex("by_name", (q) => q.eq("name", name))
      .unique();
    return existing?._id ?? (await ctx.db.insert("channels", { name }));
  },
});

export const list = query({
  args: {},
  handler: async (ctx) => await ctx.db.query("channels").collect(),
});
