using Convex.Sim.Database.Schema;
using Convex.Sim.Functions.Modules;

namespace Convex.Sim.Functions.Deployment;

/// <summary>
/// What a push makes active, all at once: the modules, the functions found in them, and the
/// schema (null when the app has none). Immutable: a new push builds a new one.
/// </summary>
public sealed record ActiveDeployment(ModuleSet Modules, FunctionIndex Functions, DatabaseSchema? Schema)
{
    public static ActiveDeployment Empty { get; } = new(ModuleSet.Empty, FunctionIndex.Empty, null);
}
