// Actions: nested calls through the action syscalls, timers, fetch and the
// scheduler.
import { ConvexError, v } from "convex/values";
import { api, internal } from "./_generated/api";
import { action, internalAction, mutation } from "./_generated/server";

/**
 * runMutation (1.0/actions/mutation) -> runQuery (1.0/actions/query) ->
 * runAction (1.0/actions/action). Expected: {id, listed >= 1, echoed}.
 */
export const roundTrip = action({
  args: { author: v.string(), body: v.string(), channel: v.string() },
  handler: async (ctx, args) => {
    const id: string = await ctx.runMutation(api.messages.send, args);
    const docs: any[] = await ctx.runQuery(api.messages.list, { channel: args.channel, n: 5 });
    const fetched = await ctx.runQuery(internal.messages.internalGet, { id });
    const echoed = await ctx.runAction(internal.actions.echo, { value: id });
    return {
      id,
      listed: docs.length,
      fetchedBody: fetched?.body ?? null,
      echoed,
    };
  },
});

/** Internal action: the target of runAction. */
export const echo = internalAction({
  args: { value: v.any() },
  handler: async (_ctx, { value }) => {
    return { value, via: "actions:echo" };
  },
});

/** A nested query throws ConvexError: the caller must see a ConvexError with the same data. */
export const catchesNestedConvexError = action({
  args: {},
  handler: async (ctx) => {
    try {
      await ctx.runQuery(api.messages.throwsConvexError, {});
      return { caught: false };
    } catch (e: any) {
      return {
        caught: true,
        isConvexError: e instanceof ConvexError,
        data: e.data ?? null,
      };
    }
  },
});

/** setTimeout in an action: real (or simulated) time passes. Expected: elapsed >= ms. */
export const sleep = action({
  args: { ms: v.number() },
  handler: async (_ctx, { ms }) => {
    const start = Date.now();
    await new Promise<void>((resolve) => setTimeout(resolve, ms));
    return { elapsed: Date.now() - start };
  },
});

/** fetch in an action. Expected: an error ("fetch not supported") or an answer through a host seam. */
export const fetchUrl = action({
  args: { url: v.string() },
  handler: async (_ctx, { url }) => {
    const res = await fetch(url);
    return { status: res.status, body: await res.text() };
  },
});

/** ctx.scheduler.runAfter from an action -> 1.0/actions/schedule. Expected for now: not supported. */
export const scheduleFromAction = action({
  args: { channel: v.string() },
  handler: async (ctx, { channel }) => {
    return await ctx.scheduler.runAfter(0, internal.messages.internalSend, {
      author: "scheduler",
      body: "from an action",
      channel,
    });
  },
});

/** ctx.scheduler.runAfter from a mutation -> 1.0/schedule (transactional). Expected for now: not supported. */
export const scheduleFromMutation = mutation({
  args: { channel: v.string(), delayMs: v.optional(v.number()) },
  handler: async (ctx, { channel, delayMs }) => {
    return await ctx.scheduler.runAfter(delayMs ?? 1000, internal.messages.internalSend, {
      author: "scheduler",
      body: "from a mutation",
      channel,
    });
  },
});

/** Date.now / Math.random in an action: real, non-deterministic values. */
export const nowInAction = action({
  args: {},
  handler: async () => {
    return { now: Date.now(), r: Math.random() };
  },
});
