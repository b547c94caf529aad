namespace Convex.Sim.Server.Tests;

/// <summary>
/// The official <c>ConvexClient</c> (convex 1.48.0, Node build with its bundled <c>ws</c>) over the
/// sync protocol: tests/functions/sync-client.mjs subscribes, mutates, and prints the updates it saw.
/// </summary>
public sealed class NodeSyncClientTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task The_official_client_sees_its_mutation_in_its_subscription()
    {
        using var process = NodeScript.Start(fixture.Server.Server.Url, "sync-client.mjs", "node-sync");
        var stdout = process.StandardOutput.ReadToEndAsync(TestServer.Ct);
        var stderr = process.StandardError.ReadToEndAsync(TestServer.Ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestServer.Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var output = await stdout;
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{output}\n{await stderr}");
        Assert.Equal(
            [
                "update 1: []",
                "update 2: [\"hi from node\"]",
                "mutation returned an id: true",
            ],
            output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
