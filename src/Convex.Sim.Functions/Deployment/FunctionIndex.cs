using System.Collections.Frozen;
using Convex.Sim.Core.Validators;
using Convex.Sim.Functions.Analysis;
using Convex.Sim.Functions.Modules;

namespace Convex.Sim.Functions.Deployment;

/// <summary>One callable function of a deployment, with its parsed validators.</summary>
public sealed record FunctionEntry(UdfPath Path, AnalyzedFunction Analysis, ArgumentsValidator Args, ReturnsValidator Returns);

/// <summary>
/// The functions of a deployment by canonical path (<c>messages:list</c>). Built from push-time
/// analysis; the runner consults it before executing anything, for visibility and validators.
/// </summary>
public sealed class FunctionIndex
{
    private readonly FrozenDictionary<string, FunctionEntry> _entries;

    public FunctionIndex(IEnumerable<AnalyzedModule> modules)
    {
        var entries = new Dictionary<string, FunctionEntry>(StringComparer.Ordinal);
        foreach (var module in modules)
        {
            foreach (var function in module.Functions)
            {
                var path = new UdfPath(module.Path, function.Name);
                entries[path.ToString()] = new FunctionEntry(
                    path,
                    function,
                    function.ArgsJson is null ? ArgumentsValidator.Unvalidated : ArgumentsValidator.Parse(function.ArgsJson),
                    function.ReturnsJson is null ? ReturnsValidator.Unvalidated : ReturnsValidator.Parse(function.ReturnsJson));
            }
        }

        _entries = entries.ToFrozenDictionary(StringComparer.Ordinal);
        Modules = [.. modules];
    }

    public static FunctionIndex Empty { get; } = new([]);

    public IReadOnlyList<AnalyzedModule> Modules { get; }

    public FunctionEntry? Find(UdfPath path) => _entries.GetValueOrDefault(path.ToString());
}
