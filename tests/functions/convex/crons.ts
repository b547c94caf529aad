// Cron jobs. Push-time analysis must export their specs; running them comes with the scheduler.
import { cronJobs } from "convex/server";
import { internal } from "./_generated/api";

const crons = cronJobs();

/** Every 5 minutes, an internal mutation with fixed arguments. */
crons.interval("cleanup", { minutes: 5 }, internal.messages.internalSend, {
  author: "cron",
  body: "tick",
  channel: "cron",
});

export default crons;
