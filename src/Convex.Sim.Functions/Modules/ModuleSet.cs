using System.Collections.Frozen;
using Acornima.Ast;
using Convex.Sim.Core;
using Jint;

namespace Convex.Sim.Functions.Modules;

/// <summary>
/// An immutable set of pushed modules (one deployment's functions). Each module is parsed once,
/// on first use, into a <see cref="Prepared{T}"/> AST that every engine shares: parsing the 67 KB
/// library chunk costs milliseconds, building a module from a prepared AST does not.
/// </summary>
public sealed class ModuleSet
{
    private readonly FrozenDictionary<string, Entry> _modules;

    public ModuleSet(IEnumerable<ModuleSource> modules)
    {
        var byPath = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var module in modules)
        {
            if (!module.Path.EndsWith(".js", StringComparison.Ordinal) || module.Path.StartsWith('/'))
            {
                throw new ConvexException("InvalidModulePath",
                    $"Module path \"{module.Path}\" must be relative and end in .js");
            }

            if (!byPath.TryAdd(module.Path, new Entry(module)))
            {
                throw new ConvexException("InvalidModulePath", $"Module \"{module.Path}\" was pushed twice");
            }
        }

        _modules = byPath.ToFrozenDictionary(StringComparer.Ordinal);
        Paths = [.. byPath.Keys.Order(StringComparer.Ordinal)];
    }

    public static ModuleSet Empty { get; } = new([]);

    /// <summary>Module paths in ordinal order (never hash order: analysis output depends on it).</summary>
    public IReadOnlyList<string> Paths { get; }

    public bool Contains(string path) => _modules.ContainsKey(path);

    public ModuleSource Source(string path) => Find(path).Module;

    /// <summary>The shared parsed form of a module; a syntax error surfaces as a clear error.</summary>
    internal Prepared<Module> Prepared(string path) => Find(path).Prepared.Value;

    private Entry Find(string path) =>
        _modules.TryGetValue(path, out var entry)
            ? entry
            : throw new ConvexException("ModuleNotFound", $"Module \"{path}\" was not pushed");

    private sealed class Entry(ModuleSource module)
    {
        public ModuleSource Module { get; } = module;

        // ExecutionAndPublication: in production several engines may ask at once; parse once.
        public Lazy<Prepared<Module>> Prepared { get; } = new(() => Parse(module), LazyThreadSafetyMode.ExecutionAndPublication);

        private static Prepared<Module> Parse(ModuleSource module)
        {
            try
            {
                return Engine.PrepareModule(module.Source, ModulePath.ToSpecifier(module.Path));
            }
            catch (Exception e) when (e is ScriptPreparationException or Acornima.SyntaxErrorException or Acornima.ParseErrorException)
            {
                throw new ConvexException("ModuleSyntaxError", $"Failed to parse {module.Path}: {(e.InnerException ?? e).Message}");
            }
        }
    }
}
