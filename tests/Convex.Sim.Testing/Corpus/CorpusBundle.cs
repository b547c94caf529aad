using System.Diagnostics;
using System.Text.Json;
using Convex.Sim.Functions.Deployment;
using Convex.Sim.Functions.Modules;

namespace Convex.Sim.Testing.Corpus;

/// <summary>
/// The test corpus (tests/functions/convex, TypeScript) bundled the way the official CLI bundles
/// it, with the pinned convex and esbuild packages; built once per test process. Needs Node and
/// `npm ci` in tests/functions (tests/run does that); without them the tests fail and say so.
/// </summary>
public static class CorpusBundle
{
    private static readonly Lazy<Bundle> Built = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lock DeploymentGate = new();
    private static Task<ActiveDeployment>? _deployment;

    /// <summary>The pushed modules, as the CLI would push them.</summary>
    public static IReadOnlyList<ModuleSource> Modules => Built.Value.Modules;

    public static ModuleSet ModuleSet => Built.Value.ModuleSet;

    public static ModuleSource Schema => Built.Value.Schema;

    /// <summary>The corpus analyzed and its schema evaluated, once per process (pure: no database involved).</summary>
    public static Task<ActiveDeployment> DeploymentAsync()
    {
        lock (DeploymentGate)
        {
            return _deployment ??= Deployer.PrepareAsync(
                Modules, Schema, new Runtime.Production.ProductionRuntime(seed: 1), CancellationToken.None);
        }
    }

    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Convex.Sim.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    private sealed record Bundle(IReadOnlyList<ModuleSource> Modules, ModuleSet ModuleSet, ModuleSource Schema);

    private static Bundle Build()
    {
        var root = Path.Combine(RepositoryRoot(), "tests", "functions");
        if (!Directory.Exists(Path.Combine(root, "node_modules", "convex")))
        {
            throw new InvalidOperationException(
                "tests/functions/node_modules is missing: run `npm ci` in tests/functions (tests/run does it)");
        }

        var outDir = Path.Combine(Path.GetTempPath(), $"convex-sim-corpus-{Environment.ProcessId}");
        var start = new ProcessStartInfo("node", ["bundle.mjs", outDir])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start node");
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"bundling the corpus failed: {stderr.Result}");
        }

        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "manifest.json")));
        var modules = manifest.RootElement.GetProperty("modules").EnumerateArray()
            .Select(m => new ModuleSource(m.GetProperty("path").GetString()!, m.GetProperty("source").GetString()!))
            .ToList();
        var schema = manifest.RootElement.GetProperty("schema");
        Directory.Delete(outDir, recursive: true);
        return new Bundle(modules, new ModuleSet(modules),
            new ModuleSource(schema.GetProperty("path").GetString()!, schema.GetProperty("source").GetString()!));
    }
}
