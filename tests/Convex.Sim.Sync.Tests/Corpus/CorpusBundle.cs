using System.Diagnostics;
using System.Text.Json;
using Convex.Sim.Functions.Modules;

namespace Convex.Sim.Sync.Tests.Corpus;

/// <summary>
/// The test corpus (tests/functions/convex) bundled the way the official CLI bundles it, once per
/// test run; a copy of Convex.Sim.Server.Tests' copy of the bundler. Needs Node and
/// `npm ci` in tests/functions (tests/run does that).
/// </summary>
internal static class CorpusBundle
{
    private static readonly Lazy<Bundle> Built = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    public static IReadOnlyList<ModuleSource> Modules => Built.Value.Modules;

    public static ModuleSource Schema => Built.Value.Schema;

    private sealed record Bundle(IReadOnlyList<ModuleSource> Modules, ModuleSource Schema);

    private static Bundle Build()
    {
        var root = Path.Combine(RepositoryRoot(), "tests", "functions");
        if (!Directory.Exists(Path.Combine(root, "node_modules", "convex")))
        {
            throw new InvalidOperationException(
                "tests/functions/node_modules is missing: run `npm ci` in tests/functions (tests/run does it)");
        }

        var outDir = Path.Combine(Path.GetTempPath(), $"convex-sim-sync-corpus-{Environment.ProcessId}");
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
        return new Bundle(modules,
            new ModuleSource(schema.GetProperty("path").GetString()!, schema.GetProperty("source").GetString()!));
    }

    internal static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Convex.Sim.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
