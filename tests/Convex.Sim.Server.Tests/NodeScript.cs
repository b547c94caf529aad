using System.Diagnostics;
using Convex.Sim.Testing.Corpus;

namespace Convex.Sim.Server.Tests;

/// <summary>The client scripts of tests/functions (official npm client), run with Node against a deployment.</summary>
internal static class NodeScript
{
    /// <summary>
    /// Starts <c>node tests/functions/<paramref name="script"/> <paramref name="args"/></c> with
    /// <c>CONVEX_URL</c> set to <paramref name="url"/> and its standard streams redirected.
    /// </summary>
    public static Process Start(Uri url, string script, params string[] args)
    {
        var start = new ProcessStartInfo("node", [script, .. args])
        {
            WorkingDirectory = Path.Combine(CorpusBundle.RepositoryRoot(), "tests", "functions"),
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["CONVEX_URL"] = url.ToString().TrimEnd('/') },
        };
        return Process.Start(start) ?? throw new InvalidOperationException("cannot start node");
    }
}
