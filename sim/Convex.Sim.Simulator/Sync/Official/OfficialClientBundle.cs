using Acornima.Ast;
using Jint;

namespace Convex.Sim.Simulator.Sync.Official;

/// <summary>
/// The official client's browser bundle (<c>convex/dist/browser.bundle.js</c> of the package pinned in
/// tests/functions, an IIFE that defines the global <c>convex</c>), found once per process and parsed
/// once (<see cref="Engine.PrepareScript"/>); every client's engine runs the same prepared script.
/// Location: the environment variable <c>CONVEX_SIM_OFFICIAL_CLIENT_BUNDLE</c> if set, else
/// tests/functions/node_modules/convex/dist/browser.bundle.js under the repository root (the first
/// ancestor of the application's directory or of the current directory holding Convex.Sim.sln).
/// </summary>
internal static class OfficialClientBundle
{
    public const string EnvironmentVariable = "CONVEX_SIM_OFFICIAL_CLIENT_BUNDLE";

    /// <summary>The package version the scenario was written against (tests/functions/package.json).</summary>
    public const string PinnedVersion = "1.48.0";

    private static readonly Lazy<string?> LocatedPath = new(Locate);

    private static readonly Lazy<Prepared<Script>> PreparedScript = new(() =>
    {
        var path = Path ?? throw new InvalidOperationException(
            "the official client's bundle was not found: run `npm ci` in tests/functions");
        return Engine.PrepareScript(File.ReadAllText(path), "convex/dist/browser.bundle.js");
    });

    /// <summary>Where the bundle is, or null when it is not installed.</summary>
    public static string? Path => LocatedPath.Value;

    public static bool IsAvailable => Path is not null;

    /// <summary>The parsed bundle, shared by every engine of the process.</summary>
    public static Prepared<Script> Script => PreparedScript.Value;

    private static string? Locate()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? configured : null;
        }

        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (!File.Exists(System.IO.Path.Combine(dir.FullName, "Convex.Sim.sln")))
                {
                    continue;
                }

                var bundle = System.IO.Path.Combine(dir.FullName,
                    "tests", "functions", "node_modules", "convex", "dist", "browser.bundle.js");
                return File.Exists(bundle) ? bundle : null;
            }
        }

        return null;
    }
}
