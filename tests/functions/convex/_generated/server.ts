// Minimal hand-written stand-in for the `_generated/server` file that
// `npx convex dev` would generate. It only re-exports the untyped builders;
// esbuild strips types, so nothing here needs the generated data model.
// The CLI never bundles `_generated/` as an entry point, but modules import it.
export {
  queryGeneric as query,
  mutationGeneric as mutation,
  actionGeneric as action,
  internalQueryGeneric as internalQuery,
  internalMutationGeneric as internalMutation,
  internalActionGeneric as internalAction,
  httpActionGeneric as httpAction,
} from "convex/server";
