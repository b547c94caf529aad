using System.Diagnostics;

namespace Convex.Sim.Server.Tests;

/// <summary>
/// The official <c>ConvexClient</c> across a lost response and a cut connection
/// (tests/functions/reconnect-client.mjs through a <see cref="FaultProxy"/>): the client re-sends
/// the unresolved mutation after reconnecting, and the server answers it from its record instead of
/// running it twice (convex-compat §3.7.3).
/// </summary>
public sealed class NodeReconnectTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Channel = "node-reconnect";

    [Fact]
    public async Task A_mutation_whose_response_was_lost_runs_once_and_resolves_after_the_reconnect()
    {
        await using var proxy = new FaultProxy(fixture.Server.Server.Url);
        using var process = NodeScript.Start(proxy.Url, "reconnect-client.mjs", Channel);
        var stderr = process.StandardError.ReadToEndAsync(TestServer.Ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestServer.Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(90));
        var output = new List<string>();
        try
        {
            await ExpectLineAsync(process, "subscribed", output, timeout.Token);
            proxy.DropFromServer = true; // the MutationResponse and its transition will be lost
            await process.StandardInput.WriteLineAsync("mutate".AsMemory(), timeout.Token);
            await ExpectLineAsync(process, "sent", output, timeout.Token);
            await WaitForCommitAsync(timeout.Token);
            proxy.CutAll();
            proxy.DropFromServer = false;
            output.AddRange((await process.StandardOutput.ReadToEndAsync(timeout.Token)).Split('\n', StringSplitOptions.RemoveEmptyEntries));
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var all = string.Join('\n', output);
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{all}\n{await stderr}");
        Assert.Contains("resolved with an id: true", output);
        Assert.Contains("id in the list: true", output);
        Assert.Equal(1, await CountAsync(timeout.Token));
    }

    private static async Task ExpectLineAsync(Process process, string expected, List<string> output, CancellationToken cancellationToken)
    {
        var line = await process.StandardOutput.ReadLineAsync(cancellationToken);
        output.Add(line ?? "(end of output)");
        Assert.Equal(expected, line);
    }

    /// <summary>The mutation committed on the server although the client has not heard back.</summary>
    private async Task WaitForCommitAsync(CancellationToken cancellationToken)
    {
        while (await CountAsync(cancellationToken) == 0)
        {
            await Task.Delay(20, cancellationToken);
        }
    }

    private async Task<int> CountAsync(CancellationToken cancellationToken)
    {
        var (status, body) = await fixture.Server.PostAsync("/api/query",
            $$"""{"path":"messages:list","args":{"channel":"{{Channel}}"},"format":"json"}""");
        Assert.Equal(200, status);
        cancellationToken.ThrowIfCancellationRequested();
        return body.GetProperty("value").GetArrayLength();
    }
}
