namespace Convex.Sim.Functions.Execution;

/// <summary>The kinds of Convex functions; HTTP actions are actions routed by <c>http.js</c>.</summary>
public enum UdfKind
{
    Query,
    Mutation,
    Action,
}
