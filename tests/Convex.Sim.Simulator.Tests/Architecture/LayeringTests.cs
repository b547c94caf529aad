using System.Xml.Linq;

namespace Convex.Sim.Simulator.Tests.Architecture;

/// <summary>
/// The assemblies form layers and references point down only (docs/architecture.md). The allowed
/// sets are written out here by hand, so adding a reference that climbs or crosses fails this test.
/// </summary>
public sealed class LayeringTests
{
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["Convex.Sim.Core"] = [],
        ["Convex.Sim.Runtime"] = ["Convex.Sim.Core"],
        [ProductionRuntime] = ["Convex.Sim.Runtime"],
        ["Convex.Sim.Storage"] = ["Convex.Sim.Runtime"],
        ["Convex.Sim.Database"] = ["Convex.Sim.Storage"],
        ["Convex.Sim.Search"] = ["Convex.Sim.Database"],
        ["Convex.Sim.Functions"] = ["Convex.Sim.Database"],
        ["Convex.Sim.Application"] = ["Convex.Sim.Functions", "Convex.Sim.Search"],
        // The application layer does not exist yet, so Sync sits directly on Functions for now.
        ["Convex.Sim.Sync"] = ["Convex.Sim.Application", "Convex.Sim.Functions"],
    };

    private static readonly HashSet<string> CompositionRoots = ["Convex.Sim.Server", "Convex.Sim.Simulator"];

    // The real-world implementation of the runtime seam; exempt from the banned-API analyzer.
    private const string ProductionRuntime = "Convex.Sim.Runtime.Production";

    [Fact]
    public void Every_layer_references_only_the_layers_below_it()
    {
        var projects = FindProjects(["src", "sim"]);
        Assert.NotEmpty(projects);
        foreach (var (name, references) in projects)
        {
            if (CompositionRoots.Contains(name))
            {
                Assert.DoesNotContain(references, r => CompositionRoots.Contains(r));
                Assert.True(name == "Convex.Sim.Server" || !references.Contains(ProductionRuntime),
                    "the simulator must not use the production runtime");
                continue;
            }

            Assert.False(references.Contains(ProductionRuntime) && name != ProductionRuntime,
                $"{name} references the production runtime; only composition roots may");
            Assert.True(Allowed.ContainsKey(name), $"{name} is not a known layer: add it to docs and this test");
            var extra = references.Except(Allowed[name]).ToList();
            Assert.True(extra.Count == 0, $"{name} references {string.Join(", ", extra)}, which it may not");
        }
    }

    [Fact]
    public void Only_the_storage_layer_uses_sqlite()
    {
        foreach (var file in ProjectFiles(["src", "sim"]))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            var packages = XDocument.Load(file).Descendants("PackageReference")
                .Select(e => (string?)e.Attribute("Include")).ToList();
            if (name != "Convex.Sim.Storage" && name != "Convex.Sim.Server")
            {
                Assert.DoesNotContain("Microsoft.Data.Sqlite", packages);
            }
        }
    }

    [Fact]
    public void The_checker_detects_an_upward_reference()
    {
        // The check above must be able to fail: a Core that references Database is caught.
        var bad = new Dictionary<string, string[]> { ["Convex.Sim.Core"] = ["Convex.Sim.Database"] };
        var violations = bad.Where(kv => kv.Value.Except(Allowed[kv.Key]).Any()).ToList();
        Assert.Single(violations);
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

    private static IEnumerable<string> ProjectFiles(string[] folders) =>
        folders.SelectMany(f => Directory.EnumerateFiles(Path.Combine(RepositoryRoot(), f), "*.csproj",
            SearchOption.AllDirectories)).Order(StringComparer.Ordinal);

    private static List<(string Name, List<string> References)> FindProjects(string[] folders) =>
        ProjectFiles(folders).Select(file => (
            Path.GetFileNameWithoutExtension(file),
            XDocument.Load(file).Descendants("ProjectReference")
                .Select(e => Path.GetFileNameWithoutExtension((string)e.Attribute("Include")!.Value!))
                .ToList())).ToList();
}
