using Convex.Sim.Functions.Execution;

namespace Convex.Sim.Functions.Analysis;

/// <summary>Whether clients may call a function (public) or only other functions and admins (internal).</summary>
public enum Visibility
{
    Public,
    Internal,
}

/// <summary>
/// One exported function as push-time analysis finds it (convex-compat §5.4): its export name,
/// kind, visibility (null for very old libraries that mark neither), and the validator JSON that
/// <c>exportArgs()</c> / <c>exportReturns()</c> returned (null when absent).
/// </summary>
public sealed record AnalyzedFunction(string Name, UdfKind Kind, Visibility? Visibility, string? ArgsJson, string? ReturnsJson);

/// <summary>An HTTP route of <c>http.js</c>; a prefix route's path ends in <c>*</c>.</summary>
public sealed record HttpRoute(string Path, string Method);

/// <summary>
/// The functions of one module, in export-name order; for <c>http.js</c> its routes, and for
/// <c>crons.js</c> the JSON its <c>export()</c> returned (convex-compat §5.4).
/// </summary>
public sealed record AnalyzedModule(string Path, IReadOnlyList<AnalyzedFunction> Functions)
{
    public IReadOnlyList<HttpRoute>? HttpRoutes { get; init; }

    public string? CronsJson { get; init; }
}
