using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Convex.Sim.Benchmarks;

/// <summary>
/// The process-cold load the way the server runs in production (docs/operations.md): a ReadyToRun
/// publish, where Jint, Acornima and our assemblies are precompiled. This program publishes itself
/// that way (<c>dotnet publish -r &lt;this RID&gt;</c>; the project sets <c>PublishReadyToRun</c>, as the
/// server's does) and runs the published copy's <c>--cold-load</c> in fresh child processes, so each
/// figure is the first load in its process. Node's figure is its first import, as for the JIT figure.
/// </summary>
internal static class ReadyToRunColdLoad
{
    /// <summary>
    /// The median first load (wall and CPU, ms) over <paramref name="runs"/> children, the median of the
    /// same load after the start-up initialization the server runs in the background (<see cref="Functions.Hosting.EngineStatics"/>), and the phase
    /// line of the median child; null with the reason when publishing or running fails.
    /// </summary>
    public static (double TotalMs, double AfterStaticsMs, double CpuMs, string Phases)? Measure(string bundleDirectory, int runs, out string? skipped)
    {
        var published = Publish(out skipped);
        if (published is null)
        {
            return null;
        }

        var totals = new List<double>();
        var afterStatics = new List<double>();
        var cpus = new List<double>();
        var phases = new List<(double TotalMs, string Line)>();
        for (var i = 0; i < runs; i++)
        {
            var (exitCode, stdout, stderr) = Run("dotnet", [published, "--cold-load", "--bundle", bundleDirectory]);
            var line = stdout.Split('\n').FirstOrDefault(l => l.StartsWith(ColdLoadPhases.ResultPrefix, StringComparison.Ordinal));
            if (exitCode != 0 || line is null)
            {
                skipped = $"the published copy's --cold-load failed: {stderr.Trim()}";
                return null;
            }

            using var json = JsonDocument.Parse(line[ColdLoadPhases.ResultPrefix.Length..]);
            if (!json.RootElement.GetProperty("readyToRun").GetBoolean() || !json.RootElement.GetProperty("processCold").GetBoolean())
            {
                skipped = "the published copy was not ReadyToRun or not process-cold";
                return null;
            }

            totals.Add(json.RootElement.GetProperty("totalMs").GetDouble());
            afterStatics.Add(json.RootElement.GetProperty("afterStaticsMs").GetDouble());
            phases.Add((totals[^1], stdout.Split('\n').First(l => l.StartsWith("fn cold load phases", StringComparison.Ordinal))));
            cpus.Add(json.RootElement.GetProperty("cpuMs").GetDouble());
        }

        var median = phases.OrderBy(p => p.TotalMs).ElementAt(phases.Count / 2).Line;
        return (Samples.Median(totals), Samples.Median(afterStatics), Samples.Median(cpus), median);
    }

    private static string? Publish(out string? skipped)
    {
        var root = FunctionCorpus.RepositoryRoot();
        var output = Path.Combine(root, "tests", "Convex.Sim.Benchmarks", "bin", "ready-to-run");
        var project = Path.Combine(root, "tests", "Convex.Sim.Benchmarks", "Convex.Sim.Benchmarks.csproj");
        var (exitCode, stdout, _) = Run("dotnet",
            ["publish", project, "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier, "-o", output, "--nologo"]);
        if (exitCode != 0)
        {
            skipped = $"dotnet publish failed: {string.Join('\n', stdout.Split('\n').Where(l => l.Contains("error", StringComparison.Ordinal)).Take(5))}";
            return null;
        }

        skipped = null;
        return Path.Combine(output, "Convex.Sim.Benchmarks.dll");
    }

    private static (int ExitCode, string Stdout, string Stderr) Run(string file, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {file}");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, stderr.GetAwaiter().GetResult());
    }
}
