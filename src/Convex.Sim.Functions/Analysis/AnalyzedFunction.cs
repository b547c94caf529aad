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

/// <summary>The functions of one module, in export-name order.</summary>
public sealed record AnalyzedModule(string Path, IReadOnlyList<AnalyzedFunction> Functions);
