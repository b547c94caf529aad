using System.Diagnostics;
using Convex.Sim.Testing.Corpus;

namespace Convex.Sim.Server.Tests;

/// <summary>
/// A throwaway Convex app for the official CLI (convex 1.48.0 from tests/functions/node_modules):
/// the corpus's <c>convex/</c> folder without its hand-written <c>_generated/</c>, so the CLI's own
/// codegen writes it, and <c>node_modules</c> linked to the pinned install.
/// </summary>
internal sealed class CliApp : IDisposable
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);

    private CliApp(string directory) => Directory = directory;

    public string Directory { get; }

    public string ConvexDirectory => Path.Combine(Directory, "convex");

    public static CliApp Create() => CreateFrom(Path.Combine("tests", "functions"));

    /// <summary>
    /// A copy of the app at <paramref name="appPath"/> (relative to the repository): its
    /// <c>convex/</c> folder without <c>_generated/</c> and its top-level scripts (<c>*.mjs</c>).
    /// </summary>
    public static CliApp CreateFrom(string appPath)
    {
        var root = CorpusBundle.RepositoryRoot();
        var app = Path.Combine(root, appPath);
        var functions = Path.Combine(root, "tests", "functions");
        var directory = Path.Combine(
            Path.GetTempPath(), $"convex-sim-cli-app-{Environment.ProcessId}-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "package.json"),
            """{"name":"e2e","private":true,"dependencies":{"convex":"1.48.0"}}""");
        File.CreateSymbolicLink(Path.Combine(directory, "node_modules"), Path.Combine(functions, "node_modules"));
        Copy(Path.Combine(app, "convex"), Path.Combine(directory, "convex"));
        var generated = Path.Combine(directory, "convex", "_generated");
        if (System.IO.Directory.Exists(generated))
        {
            System.IO.Directory.Delete(generated, recursive: true);
        }

        foreach (var script in System.IO.Directory.GetFiles(app, "*.mjs"))
        {
            File.Copy(script, Path.Combine(directory, Path.GetFileName(script)));
        }

        return new CliApp(directory);
    }

    /// <summary>Runs <c>node &lt;script&gt;</c> in the app with <c>CONVEX_URL</c> set; kills it after 60 s.</summary>
    public Task<CliResult> RunScriptAsync(Uri url, string script) =>
        RunNodeAsync([script], new Dictionary<string, string> { ["CONVEX_URL"] = url.ToString().TrimEnd('/') });

    /// <summary><see cref="RunScriptAsync(Uri, string)"/> with more environment variables.</summary>
    public Task<CliResult> RunScriptAsync(Uri url, string script, IReadOnlyDictionary<string, string> environment) =>
        RunNodeAsync([script], new Dictionary<string, string>(environment) { ["CONVEX_URL"] = url.ToString().TrimEnd('/') });

    /// <summary>Runs <c>convex &lt;args&gt;</c> against a self-hosted URL; kills it after 60 s.</summary>
    public Task<CliResult> RunAsync(Uri url, string adminKey, params string[] args) =>
        RunNodeAsync(["node_modules/convex/bin/main.js", .. args], new Dictionary<string, string>
        {
            ["CONVEX_SELF_HOSTED_URL"] = url.ToString().TrimEnd('/'),
            ["CONVEX_SELF_HOSTED_ADMIN_KEY"] = adminKey,
        });

    private async Task<CliResult> RunNodeAsync(string[] args, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("node", args)
        {
            WorkingDirectory = Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment.Remove("CONVEX_DEPLOYMENT");
        start.Environment.Remove("CONVEX_DEPLOY_KEY");
        start.Environment["CI"] = "1";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start node");
        var stdout = process.StandardOutput.ReadToEndAsync(TestServer.Ct);
        var stderr = process.StandardError.ReadToEndAsync(TestServer.Ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestServer.Ct);
        timeout.CancelAfter(RunTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            return new CliResult(-1, await stdout, $"(killed after {RunTimeout.TotalSeconds} s)\n{await stderr}");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Directory))
        {
            // Unlink node_modules first, so the recursive delete can never reach the shared install.
            var link = new FileInfo(Path.Combine(Directory, "node_modules"));
            if (link.LinkTarget is not null)
            {
                link.Delete();
            }

            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    private static void Copy(string from, string to)
    {
        System.IO.Directory.CreateDirectory(to);
        foreach (var file in System.IO.Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var directory in System.IO.Directory.GetDirectories(from))
        {
            Copy(directory, Path.Combine(to, Path.GetFileName(directory)));
        }
    }
}

/// <summary>How a CLI run ended; <see cref="ToString"/> is what a failed assertion shows.</summary>
internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit code {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}
