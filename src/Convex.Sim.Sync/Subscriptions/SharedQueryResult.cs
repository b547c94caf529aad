using Convex.Sim.Functions.Execution;

namespace Convex.Sim.Sync.Subscriptions;

/// <summary>
/// One query execution as every session sharing it uses it: the result, the key that tells whether
/// it differs from what a session sent last, and the value's JSON (null for a failure), each
/// computed once however many sessions send it.
/// </summary>
internal sealed record SharedQueryResult(FunctionResult Result, string ResultKey, string? ValueJson);
