using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using Convex.Sim.Functions.Modules;

namespace Convex.Sim.Benchmarks;

/// <summary>
/// The function corpus (tests/functions) bundled the way the official CLI bundles it, and the Node
/// reference run over that same bundle. Bundling needs Node and <c>npm ci</c> in tests/functions.
/// Without them the corpus comes from a prebuilt bundle: <c>--bundle DIR</c> (a directory holding
/// the <c>manifest.json</c> written by <c>bundle.mjs</c>), else tests/functions/out (<c>npm run
/// bundle</c>), else the copy this program keeps next to itself after each successful bundling. The
/// Node reference needs only <c>node</c>; without it the Node side is reported as skipped.
/// </summary>
internal sealed class FunctionCorpus : IDisposable
{
    private readonly string? _temporaryDirectory;

    private FunctionCorpus(string bundleDirectory, string? temporaryDirectory, IReadOnlyList<ModuleSource> modules,
        ModuleSource schema, string? nodeUnavailable)
    {
        BundleDirectory = bundleDirectory;
        _temporaryDirectory = temporaryDirectory;
        Modules = modules;
        Schema = schema;
        NodeUnavailable = nodeUnavailable;
    }

    /// <summary>The directory holding manifest.json.</summary>
    public string BundleDirectory { get; }

    public IReadOnlyList<ModuleSource> Modules { get; }

    public ModuleSource Schema { get; }

    /// <summary>Why the Node reference cannot run, or null when it can.</summary>
    public string? NodeUnavailable { get; }

    public static string FunctionsDirectory => Path.Combine(RepositoryRoot(), "tests", "functions");

    private static string CachedBundle => Path.Combine(AppContext.BaseDirectory, "corpus-bundle");

    /// <summary>Bundles the corpus or finds a prebuilt bundle; null (with the reason) when neither is possible.
    /// </summary>
    public static (FunctionCorpus? Corpus, string? Skipped) Load(string? prebuiltBundle)
    {
        var nodeMissing = NodeMissingReason();
        if (prebuiltBundle is not null)
        {
            return (FromManifest(prebuiltBundle, null, nodeMissing), null);
        }

        var installed = Directory.Exists(Path.Combine(FunctionsDirectory, "node_modules", "convex"));
        var bundlerMissing = nodeMissing
            ?? (installed ? null : "tests/functions/node_modules is missing (run `npm ci` in tests/functions)");
        if (bundlerMissing is null)
        {
            var outDir = Path.Combine(Path.GetTempPath(), $"convex-sim-bench-corpus-{Environment.ProcessId}");
            var (exitCode, _, stderr) = RunNode(["bundle.mjs", outDir]);
            if (exitCode != 0)
            {
                return (null, $"bundling the corpus failed: {stderr.Trim()}");
            }

            Directory.CreateDirectory(CachedBundle);
            File.Copy(Path.Combine(outDir, "manifest.json"), Path.Combine(CachedBundle, "manifest.json"),
                overwrite: true);
            return (FromManifest(outDir, outDir, null), null);
        }

        var fallback = new[] { Path.Combine(FunctionsDirectory, "out"), CachedBundle }
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "manifest.json")));
        if (fallback is null)
        {
            return (null, $"{bundlerMissing}; cannot bundle the corpus and found no prebuilt bundle (--bundle DIR)");
        }

        Console.WriteLine($"function runner: cannot bundle ({bundlerMissing}); using the bundle in {fallback}");
        return (FromManifest(fallback, null, nodeMissing), null);
    }

    /// <summary>
    /// Runs <c>node node-reference.mjs &lt;bundle&gt; bench</c>: one JSON line with the median µs per warm call
    /// of messages:get, messages:list (n=10) and messages:send, and the module load times.
    /// </summary>
    public NodeFigures? RunNodeReference(out string? skipped)
    {
        skipped = NodeUnavailable;
        if (skipped is not null)
        {
            return null;
        }

        var (exitCode, stdout, stderr) = RunNode(["node-reference.mjs", BundleDirectory, "bench"]);
        if (exitCode != 0)
        {
            skipped = $"node-reference.mjs failed: {stderr.Trim()}";
            return null;
        }

        using var json = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        var root = json.RootElement;
        return new NodeFigures(
            root.GetProperty("getUs").GetDouble(),
            root.GetProperty("take10Us").GetDouble(),
            root.GetProperty("insertUs").GetDouble(),
            root.GetProperty("coldLoadMs").GetDouble(),
            root.GetProperty("reloadMs").GetDouble(),
            root.GetProperty("node").GetString() ?? "?");
    }

    public void Dispose()
    {
        if (_temporaryDirectory is not null && Directory.Exists(_temporaryDirectory))
        {
            Directory.Delete(_temporaryDirectory, recursive: true);
        }
    }

    private static FunctionCorpus FromManifest(string directory, string? temporary, string? nodeUnavailable)
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "manifest.json")));
        var modules = manifest.RootElement.GetProperty("modules").EnumerateArray()
            .Select(m => new ModuleSource(m.GetProperty("path").GetString()!, m.GetProperty("source").GetString()!))
            .ToList();
        var schema = manifest.RootElement.GetProperty("schema");
        return new FunctionCorpus(directory, temporary, modules,
            new ModuleSource(schema.GetProperty("path").GetString()!, schema.GetProperty("source").GetString()!),
            nodeUnavailable);
    }

    private static string? NodeMissingReason()
    {
        try
        {
            return RunNode(["--version"]).ExitCode == 0 ? null : "`node --version` failed";
        }
        catch (Win32Exception)
        {
            return "node is not on PATH";
        }
    }

    private static (int ExitCode, string Stdout, string Stderr) RunNode(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("node", args)
        {
            WorkingDirectory = FunctionsDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start node");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, stderr.GetAwaiter().GetResult());
    }

    internal static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Convex.Sim.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root (Convex.Sim.sln) not found");
    }
}

/// <summary>The Node reference's figures (node-reference.mjs bench): µs per warm call, load times in ms.</summary>
internal sealed record NodeFigures(
    double GetUs, double Take10Us, double InsertUs, double ColdLoadMs, double ReloadMs, string Version);
