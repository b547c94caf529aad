// Minimal stand-in for the generated `api` / `internal` objects: `anyApi`
// builds function references by property access (api.messages.send ->
// "messages:send"), exactly what the generated file does at runtime.
import { anyApi } from "convex/server";

export const api: any = anyApi;
export const internal: any = anyApi;
