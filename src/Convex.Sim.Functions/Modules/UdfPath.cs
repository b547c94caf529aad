using Convex.Sim.Core;

namespace Convex.Sim.Functions.Modules;

/// <summary>
/// A function's address, <c>module:export</c> (convex-compat §8.1): <c>messages:list</c> is the
/// export <c>list</c> of <c>messages.js</c>; <c>dir/file</c> without a colon is its default
/// export. The canonical form has no <c>.js</c> and omits <c>:default</c>.
/// </summary>
public readonly record struct UdfPath(string ModulePath, string ExportName)
{
    public const string DefaultExport = "default";

    public static UdfPath Parse(string text)
    {
        var colon = text.LastIndexOf(':');
        var module = colon < 0 ? text : text[..colon];
        var export = colon < 0 ? DefaultExport : text[(colon + 1)..];
        if (module.Length == 0 || export.Length == 0 || module.StartsWith('/') || module.Contains("..", StringComparison.Ordinal))
        {
            throw new ConvexException("InvalidFunctionPath", $"Invalid function path \"{text}\": expected \"module:function\"");
        }

        if (!module.EndsWith(".js", StringComparison.Ordinal))
        {
            module += ".js";
        }

        return new UdfPath(module, export);
    }

    /// <summary>The canonical text, e.g. <c>messages:list</c>, <c>dir/file</c> for a default export.</summary>
    public override string ToString()
    {
        var module = ModulePath[..^3];
        return ExportName == DefaultExport ? module : $"{module}:{ExportName}";
    }
}
