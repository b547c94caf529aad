namespace Convex.Sim.Server.Tests;

/// <summary>
/// The README's loop, end to end: docs/examples/chat pushed with the official CLI, then driven by
/// its client script (the official ConvexHttpClient). The expected output is the one its README shows.
/// </summary>
public sealed class ExampleAppTests
{
    [Fact]
    public async Task The_example_app_deploys_and_its_client_prints_what_the_README_says()
    {
        using var app = CliApp.CreateFrom(Path.Combine("docs", "examples", "chat"));
        await using var server = await TestServer.StartAsync(deploy: false);
        var deployed = await app.RunAsync(server.Server.Url, server.Server.Identity.AdminKey, "deploy", "-y");
        Assert.True(deployed.ExitCode == 0, deployed.ToString());

        var client = await app.RunScriptAsync(server.Server.Url, "client.mjs");
        Assert.True(client.ExitCode == 0, client.ToString());
        Assert.Equal(
            [
                "newest first: [ 'hi ada', 'hello' ]",
                "page 1: [ 'hello' ]",
                "page 2: [ 'hi ada' ]",
                "page 3: []",
                "bot: 2 recent messages by ada, grace",
                "ada wrote 1",
                "refused: EmptyMessage",
            ],
            client.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
