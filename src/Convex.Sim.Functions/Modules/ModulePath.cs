using Convex.Sim.Core;

namespace Convex.Sim.Functions.Modules;

/// <summary>
/// Module paths and the <c>convex:/</c> specifiers the engine sees. Relative imports between
/// pushed modules (<c>./_deps/X.js</c>, <c>../_deps/X.js</c>) resolve against the importer, the
/// way a browser resolves them against a URL.
/// </summary>
public static class ModulePath
{
    public const string Scheme = "convex:/";

    public static string ToSpecifier(string path) => Scheme + path;

    public static string FromSpecifier(string specifier) =>
        specifier.StartsWith(Scheme, StringComparison.Ordinal) ? specifier[Scheme.Length..] : specifier;

    /// <summary>True for paths that hold shared chunks rather than functions.</summary>
    public static bool IsChunk(string path) => path.StartsWith("_deps/", StringComparison.Ordinal);

    /// <summary>Resolves <paramref name="specifier"/> as imported by the module at <paramref name="importer"/>.</summary>
    public static string Resolve(string? importer, string specifier)
    {
        if (specifier.StartsWith(Scheme, StringComparison.Ordinal))
        {
            return Normalize([], specifier[Scheme.Length..], specifier);
        }

        if (!specifier.StartsWith("./", StringComparison.Ordinal) && !specifier.StartsWith("../", StringComparison.Ordinal))
        {
            // Bare specifiers ("convex/server", "node:fs") were the bundler's job: a pushed bundle
            // must be self-contained.
            throw new ConvexException("ModuleNotFound",
                $"Module \"{specifier}\" cannot be imported: bundles must be self-contained " +
                "(only relative imports between pushed modules are allowed)");
        }

        var baseParts = importer is null ? [] : FromSpecifier(importer).Split('/')[..^1];
        return Normalize(baseParts, specifier, specifier);
    }

    private static string Normalize(string[] baseParts, string relative, string original)
    {
        var parts = new List<string>(baseParts);
        foreach (var part in relative.Split('/'))
        {
            switch (part)
            {
                case "" or ".":
                    continue;
                case "..":
                    if (parts.Count == 0)
                    {
                        throw new ConvexException("ModuleNotFound", $"Import \"{original}\" leaves the functions directory");
                    }

                    parts.RemoveAt(parts.Count - 1);
                    break;
                default:
                    parts.Add(part);
                    break;
            }
        }

        return string.Join('/', parts);
    }
}
