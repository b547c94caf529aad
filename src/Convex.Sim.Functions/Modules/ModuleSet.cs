using System.Collections.Frozen;
using Acornima.Ast;
using Convex.Sim.Core;
using Convex.Sim.Functions.Library;
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

    /// <summary>
    /// The parsed form engines run under <paramref name="conversion"/>: with
    /// <see cref="ValueConversion.Native"/>, the library's value conversion bound to native code
    /// when the module holds a recognised version of it (<see cref="LibrarySubstitution"/>).
    /// </summary>
    internal Prepared<Module> Prepared(string path, ValueConversion conversion) => conversion switch
    {
        ValueConversion.Native => Find(path).Substituted.Value,
        ValueConversion.Interpreted => Find(path).Prepared.Value,
    };

    /// <summary>Whether the module's value conversion runs natively under <see cref="ValueConversion.Native"/>.</summary>
    internal bool IsSubstituted(string path) => !ReferenceEquals(Find(path).Substituted.Value.Program, Find(path).Prepared.Value.Program);

    private Entry Find(string path) =>
        _modules.TryGetValue(path, out var entry)
            ? entry
            : throw new ConvexException("ModuleNotFound", $"Module \"{path}\" was not pushed");

    private sealed class Entry
    {
        public Entry(ModuleSource module)
        {
            Module = module;
            // ExecutionAndPublication: in production several engines may ask at once; parse once.
            Prepared = new(() => Parse(module.Source, module), LazyThreadSafetyMode.ExecutionAndPublication);
            Substituted = new(Substitute, LazyThreadSafetyMode.ExecutionAndPublication);
        }

        public ModuleSource Module { get; }

        public Lazy<Prepared<Module>> Prepared { get; }

        /// <summary>The same module with recognised library functions bound to native code, or <see cref="Prepared"/> itself.</summary>
        public Lazy<Prepared<Module>> Substituted { get; }

        /// <summary>
        /// Modules without the library's markers (every user module) are parsed once, as pushed. The
        /// library chunk is parsed by Acornima alone for the fingerprints, then prepared for Jint in
        /// its substituted form only: one Jint preparation per module either way.
        /// </summary>
        private Prepared<Module> Substitute()
        {
            if (!LibrarySubstitution.MayContain(Module.Source))
            {
                return Prepared.Value;
            }

            Module program;
            try
            {
                program = new Acornima.Parser().ParseModule(Module.Source);
            }
            catch (Exception e) when (e is Acornima.SyntaxErrorException or Acornima.ParseErrorException)
            {
                return Prepared.Value; // reports the syntax error the usual way
            }

            var rewritten = LibrarySubstitution.Rewrite(program, Module.Source);
            return rewritten is null ? Prepared.Value : Parse(rewritten, Module);
        }

        private static Prepared<Module> Parse(string source, ModuleSource module)
        {
            try
            {
                return Engine.PrepareModule(source, ModulePath.ToSpecifier(module.Path));
            }
            catch (Exception e) when (e is ScriptPreparationException or Acornima.SyntaxErrorException or Acornima.ParseErrorException)
            {
                throw new ConvexException("ModuleSyntaxError", $"Failed to parse {module.Path}: {(e.InnerException ?? e).Message}");
            }
        }
    }
}
