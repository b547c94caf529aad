using System.Reflection;
using Convex.Sim.Functions.Deployment;
using Convex.Sim.Functions.Modules;
using Convex.Sim.Runtime;

namespace Convex.Sim.Simulator.Workloads.Functions;

/// <summary>The JavaScript modules the simulated workloads deploy (embedded resources of this assembly).</summary>
internal static class SimFunctions
{
    /// <summary>
    /// One module set for the whole process: its parsed ASTs are immutable and shared by every boot of
    /// every seed. Parsing is a pure function of the source and takes no simulated time, so sharing it
    /// cannot change a trace (a seed run first or second in a process schedules the same steps).
    /// </summary>
    private static readonly Lazy<ModuleSet> Modules = new(() => new ModuleSet(Load()));

    public static Task<ActiveDeployment> PrepareAsync(IRuntime runtime, CancellationToken cancellationToken) =>
        Deployer.PrepareAsync(Modules.Value, schemaModule: null, runtime, cancellationToken);

    private static IReadOnlyList<ModuleSource> Load()
    {
        var assembly = typeof(SimFunctions).Assembly;
        return [.. assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("functions/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n => new ModuleSource(n["functions/".Length..], Read(assembly, n)))];
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
