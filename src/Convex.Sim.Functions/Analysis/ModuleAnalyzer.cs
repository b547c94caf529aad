using Convex.Sim.Core;
using Convex.Sim.Functions.Execution;
using Convex.Sim.Functions.Hosting;
using Convex.Sim.Functions.Modules;
using Jint;
using Jint.Native;
using Jint.Native.Object;

namespace Convex.Sim.Functions.Analysis;

/// <summary>
/// Push-time analysis (convex-compat §5.4): evaluates every function module in a fresh engine
/// with the import-time limits and lists its exported functions with their validators. A module
/// that fails to evaluate, or whose validators cannot be exported, fails the push with a message
/// that names the module and carries its console output.
/// </summary>
public static class ModuleAnalyzer
{
    /// <summary>Convex analyzes each module with a short user timeout (4 s in the official backend).</summary>
    public static readonly ExecutionLimits DefaultLimits = new() { UserTime = TimeSpan.FromSeconds(4) };

    public static async Task<IReadOnlyList<AnalyzedModule>> AnalyzeAsync(
        ModuleSet modules, TimeProvider clock, IRandom random, ExecutionLimits limits, CancellationToken cancellationToken,
        DeploymentEnvironment? environment = null)
    {
        var result = new List<AnalyzedModule>();
        foreach (var path in modules.Paths.Where(p => !ModulePath.IsChunk(p)))
        {
            var (module, error, logs) = await ImportEvaluation.RunAsync(modules, path, clock, random.Fork(path), limits, ns =>
                new AnalyzedModule(path, ListFunctions(path, ns))
                {
                    HttpRoutes = path == "http.js" ? SpecialExports.HttpRoutes(ns) : null,
                    CronsJson = path == "crons.js" ? SpecialExports.CronsJson(ns) : null,
                }, cancellationToken, environment);
            result.Add(module ?? throw new ConvexException("ModuleAnalysisFailed", AnalysisError(path, error, logs)));
        }

        return result;
    }

    private static List<AnalyzedFunction> ListFunctions(string path, ObjectInstance ns)
    {
        var functions = new List<AnalyzedFunction>();
        var names = ns.GetOwnPropertyKeys(Jint.Runtime.Types.String).Select(k => k.ToString()).Order(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (ns.Get(name) is not ObjectInstance exported || FunctionInvoker.KindOf(exported) is not { } kind)
            {
                continue;
            }

            if (name != UdfPath.DefaultExport && !IsIdentifier(name))
            {
                throw new ConvexException("InvalidFunctionName", $"{path}: export \"{name}\" is not a valid function name");
            }

            functions.Add(new AnalyzedFunction(name, kind, VisibilityOf(exported),
                ExportValidator(exported, "exportArgs", path, name),
                ExportValidator(exported, "exportReturns", path, name)));
        }

        return functions;
    }

    private static Visibility? VisibilityOf(ObjectInstance function) =>
        FunctionInvoker.IsTrue(function, "isPublic") ? Visibility.Public
        : FunctionInvoker.IsTrue(function, "isInternal") ? Visibility.Internal
        : null;

    private static string? ExportValidator(ObjectInstance function, string method, string path, string name)
    {
        if (!function.Get(method).IsCallable())
        {
            return null; // very old libraries: unvalidated
        }

        try
        {
            var exported = function.Engine.Invoke(function.Get(method), function, []);
            // exportReturns() answers the string "null" when no returns validator was declared.
            return exported is JsString json && json.ToString() != "null" ? json.ToString() : null;
        }
        catch (Jint.Runtime.JavaScriptException e)
        {
            throw new ConvexException("InvalidValidator", $"{path}:{name}: {method}() failed: {e.Message}");
        }
    }

    private static string AnalysisError(string path, string? message, LogCollector logs)
    {
        var text = $"Failed to analyze {path}: {message}";
        return logs.Lines.Count == 0 ? text : text + "\n" + string.Join('\n', logs.Lines);
    }

    private static bool IsIdentifier(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] is '_' or '$')
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '$');
}
