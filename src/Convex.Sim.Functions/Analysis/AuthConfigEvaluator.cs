using Convex.Sim.Core;
using Convex.Sim.Functions.Execution;
using Convex.Sim.Functions.Modules;
using Jint.Native;
using Jint.Native.Json;
using Jint.Native.Object;

namespace Convex.Sim.Functions.Analysis;

/// <summary>
/// Evaluates the bundled <c>auth.config.js</c> (convex-compat §7.14.1), which the CLI pushes as an
/// ordinary module, and returns its default export as JSON. Module-level code may read
/// <c>process.env</c>, so it runs with the deployment's environment variables; what the providers
/// must look like is the server's business.
/// </summary>
public static class AuthConfigEvaluator
{
    public const string ModulePath = "auth.config.js";

    public static async Task<string> EvaluateAsync(
        ModuleSource module, TimeProvider clock, IRandom random, DeploymentEnvironment? environment,
        CancellationToken cancellationToken)
    {
        Invariant.Assert(module.Path == ModulePath);
        var modules = new ModuleSet([module]);
        var (json, error, _) = await ImportEvaluation.RunAsync(
            modules, module.Path, clock, random, ModuleAnalyzer.DefaultLimits, ExportJson, cancellationToken,
            environment);
        return json ?? throw new ConvexException("InvalidAuthConfig", $"Failed to evaluate {ModulePath}: {error}");
    }

    private static string ExportJson(ObjectInstance ns)
    {
        var config = ns.Get("default");
        if (config is not ObjectInstance)
        {
            throw new ConvexException("InvalidAuthConfig",
                $"{ModulePath} must default-export an object like {{ providers: [...] }}");
        }

        // JSON.stringify drops undefined fields (an unset process.env variable); the server reports them missing.
        return new JsonSerializer(ns.Engine).Serialize(config) is JsString json
            ? json.ToString()
            : throw new ConvexException(
                "InvalidAuthConfig", $"{ModulePath}: the default export is not JSON-serializable");
    }
}
