using System.Diagnostics;
using System.Text;

namespace Convex.Sim.Server.Tests;

/// <summary>
/// A long-running official CLI command (<c>convex logs</c>) in a <see cref="CliApp"/>: its output is
/// collected as it comes, a test waits for a line, and disposing kills the process tree.
/// </summary>
internal sealed class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Lock _lock = new();

    private CliProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Stdout
    {
        get
        {
            lock (_lock)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_lock)
            {
                return _stderr.ToString();
            }
        }
    }

    public static CliProcess Start(CliApp app, Uri url, string adminKey, params string[] args)
    {
        var start = new ProcessStartInfo("node", ["node_modules/convex/bin/main.js", .. args])
        {
            WorkingDirectory = app.Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment.Remove("CONVEX_DEPLOYMENT");
        start.Environment.Remove("CONVEX_DEPLOY_KEY");
        start.Environment["CI"] = "1";
        start.Environment["CONVEX_SELF_HOSTED_URL"] = url.ToString().TrimEnd('/');
        start.Environment["CONVEX_SELF_HOSTED_ADMIN_KEY"] = adminKey;
        return new CliProcess(Process.Start(start) ?? throw new InvalidOperationException("cannot start node"));
    }

    /// <summary>
    /// Calls <paramref name="poke"/> until stdout or stderr contains <paramref name="text"/>, up to
    /// <paramref name="timeout"/>; the process is outside our clock, so this is the one way to wait.
    /// </summary>
    public async Task<bool> WaitForAsync(string text, TimeSpan timeout, Func<Task>? poke = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Stdout.Contains(text, StringComparison.Ordinal) || Stderr.Contains(text, StringComparison.Ordinal))
            {
                return true;
            }

            if (_process.HasExited)
            {
                return false;
            }

            if (poke is not null)
            {
                await poke();
            }

            await Task.Delay(250, TestServer.Ct);
        }

        return false;
    }

    public override string ToString() => $"--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private void Append(StringBuilder buffer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            buffer.AppendLine(line);
        }
    }
}
